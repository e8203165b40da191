// DESIGN.md section 3: dependencies run one way. A wrong-direction import must
// fail both the build (TypeScript project references) and lint (ESLint).
import t from 'tap';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const probe = `import { x } from '../gateway/index.js';\nexport const y = x;\n`;

t.test('the build refuses attest/ importing gateway/', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-boundary-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const f of ['tsconfig.base.json', 'package.json', 'attest', 'gateway']) {
    await cp(join(root, f), join(dir, f), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'gateway/index.ts'), 'export const x = 1;\n');
  await writeFile(join(dir, 'attest/probe.ts'), probe);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-b', 'attest'], { cwd: dir }).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code: number; stdout: string }) => err,
  );
  t.not(result.code, 0, 'tsc -b fails');
  t.match(result.stdout, /TS6307: File '.*gateway\/index\.ts' is not listed within the file list of project/);
});

t.test('lint names the rule when a folder imports against the flow', async (t) => {
  const { boundaries } = (await import(join(root, 'eslint.config.js'))) as { boundaries: object[] };
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: boundaries });
  const cases: [file: string, target: string, allowed: boolean][] = [
    ['attest/probe.ts', '../gateway/index.js', false],
    ['attest/probe.ts', '../policies/index.js', false],
    ['policies/probe.ts', '../client/index.js', false],
    ['gateway/probe.ts', '../enclave-runtime/index.js', false],
    ['enclave-runtime/probe.ts', '../gateway/index.js', false],
    ['client/probe.ts', '../gateway/index.js', false],
    ['policies/probe.ts', '../attest/index.js', true],
    ['gateway/probe.ts', '../policies/index.js', true],
    ['client/cli/probe.ts', '../../attest/index.js', true],
    // bin/, the composition root, may import every folder; nothing may import it
    ['client/probe.ts', '../bin/sealgate.js', false],
    ['gateway/probe.ts', '../bin/commands.js', false],
    ['test/bin/probe.ts', '../../bin/commands.js', false],
    ['bin/probe.ts', '../gateway/index.js', true],
    ['bin/probe.ts', '../enclave-runtime/index.js', true],
    ['bin/commands/probe.ts', '../../client/cli/index.js', true],
  ];
  for (const [file, target, allowed] of cases) {
    const [result] = await eslint.lintText(`import { x } from '${target}';\nexport const y = x;\n`, {
      filePath: join(root, file),
    });
    const messages = result?.messages.filter((m) => m.ruleId === 'no-restricted-imports') ?? [];
    if (allowed) t.equal(messages.length, 0, `${file} may import ${target}`);
    else
      t.match(
        messages[0]?.message,
        /may not import .*DESIGN\.md section 3/,
        `${file} may not import ${target}`,
      );
  }
});
