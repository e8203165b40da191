/**
 * Staging the supervisor: the same installation always stages to the same
 * digest (and supervisorDigest computes it without copying), a changed staged
 * file changes the tree digest and is restaged, and the import tracer reads
 * tsc's output and refuses what it cannot find.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  importClosure,
  importSpecifiers,
  packageClosure,
  stageSupervisor,
  supervisorDigest,
  treeDigest,
} from '../../../enclave-runtime/index.js';

t.test(
  'the digest is stable across stagings, computed without copying, and follows the content',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-stage-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const first = await stageSupervisor(join(dir, 'a'));
    const second = await stageSupervisor(join(dir, 'b'));
    t.match(first.digest, /^sha256:[0-9a-f]{64}$/);
    t.equal(second.digest, first.digest, 'two stagings, one digest');
    t.equal(await supervisorDigest(), first.digest, 'supervisorDigest copies nothing and agrees');
    t.equal(await treeDigest(first.path), first.digest, 'the staged tree has the digest');
    t.equal(first.path, join(dir, 'a', first.digest.slice(7)), 'content-addressed');
    t.same(first.entrypoint, [
      '/sealed/supervisor/lib/ld-linux-x86-64.so.2',
      '--library-path',
      '/sealed/supervisor/lib',
      '/sealed/supervisor/bin/node',
      '/sealed/supervisor/app/enclave-runtime/supervisor/main.js',
    ]);
    t.ok(existsSync(join(first.path, 'lib/libseccomp.so.2')));
    t.ok(existsSync(join(first.path, 'app/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node')));
    t.notOk(
      existsSync(join(first.path, 'app/node_modules/@koromix/koffi-linux-x64/musl_x64')),
      'one libc build only',
    );
    t.notOk(existsSync(join(first.path, 'app/gateway')), 'nothing the supervisor does not import');
    t.same(await readdir(join(dir, 'a')), [first.digest.slice(7)], 'no staging leftovers');

    const again = await stageSupervisor(join(dir, 'a'));
    t.equal(again.path, first.path, 'staging again reuses the directory');

    await appendFile(join(first.path, 'app/enclave-runtime/supervisor/main.js'), '\n// changed\n');
    t.not(await treeDigest(first.path), first.digest, 'a changed file changes the digest');
    const restaged = await stageSupervisor(join(dir, 'a'));
    t.equal(await treeDigest(restaged.path), first.digest, 'a tampered staging is replaced');
  },
);

t.test('the import tracer', async (t) => {
  t.same(
    importSpecifiers(
      [
        "import { a } from './a.js';",
        'import {',
        '  b,',
        "} from '../b.js';",
        "export * from './c.js';",
        "import './side.js';",
        "import x from 'koffi';",
        "const m = await import('./lazy.js');",
        "const s = 'import from nowhere';",
      ].join('\n'),
    ),
    ['./a.js', '../b.js', './c.js', 'koffi', './side.js', './lazy.js'],
  );
  const dir = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-trace-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'main.js'), "import fs from 'node:fs';\nimport { x } from './gone.js';\n");
  await t.rejects(importClosure(dir, 'main.js'), TypeError);
  await writeFile(join(dir, 'ok.js'), "import a from '@scope/pkg/sub.js';\nimport b from 'path';\n");
  t.same(await importClosure(dir, 'ok.js'), { files: ['ok.js'], packages: ['@scope/pkg'] });
  await t.rejects(packageClosure(dir, ['no-such-package-sg']), TypeError);
  await mkdir(join(dir, 'node_modules/p'), { recursive: true });
  await mkdir(join(dir, 'node_modules/other-os'), { recursive: true });
  await writeFile(
    join(dir, 'node_modules/p/package.json'),
    JSON.stringify({ name: 'p', optionalDependencies: { 'other-os': '1', absent: '1' } }),
  );
  await writeFile(
    join(dir, 'node_modules/other-os/package.json'),
    JSON.stringify({ name: 'other-os', os: ['!linux'] }),
  );
  t.same(
    await packageClosure(dir, ['p']),
    [join(dir, 'node_modules/p')],
    'optional packages for other hosts or absent are left out',
  );
});
