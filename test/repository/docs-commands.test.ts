/**
 * The README's tour and the user guides show real commands: every `sealgate …`
 * line in their `sh` code blocks names a command of `sealgate --help` and only
 * flags that the command's usage line or the global options list. One CLI
 * process in all (the help), so the check costs about a second.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The worktree root, from dist/test/repository/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GLOBAL = new Set(['json', 'home', 'gateway', 'debug', 'help']);

/** `sealgate --help` from the built binary (dist/bin/sealgate.js), without V8 coverage (test/bin/sealgate.ts says why). */
function help(): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  const bin = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--help'], { env }, (err, stdout) =>
      resolve({ code: err === null ? 0 : 1, stdout }),
    );
  });
}

/** Each command's words and the flags its usage line names, from `sealgate --help`. */
function parseHelp(help: string): Map<string, Set<string>> {
  const commands = new Map<string, Set<string>>();
  let last: Set<string> | undefined;
  for (const line of help.split('\n')) {
    const m = /^ {2}sealgate (.*)$/.exec(line);
    if (m) {
      const words: string[] = [];
      for (const w of m[1].trim().split(/\s+/)) {
        if (!/^[a-z][a-z-]*$/.test(w)) break;
        words.push(w);
      }
      last = new Set([...m[1].matchAll(/--([a-z][a-z-]*)/g)].map((f) => f[1]));
      commands.set(words.join(' '), last);
    } else if (last && /^ {20,}\S/.test(line)) {
      // a wrapped summary line: no flags expected, but keep any
      for (const f of line.matchAll(/--([a-z][a-z-]*)/g)) last.add(f[1]);
    }
  }
  return commands;
}

/** The `sealgate …` invocations in a Markdown file's sh code blocks, with their line numbers. */
function invocations(text: string): { line: number; words: string[]; flags: string[] }[] {
  const found: { line: number; words: string[]; flags: string[] }[] = [];
  let inSh = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) {
      inSh = !inSh && /^\s*```sh\b/.test(line);
      return;
    }
    if (!inSh) return;
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const m of code.matchAll(
      /(?:^|[\s$(])sealgate((?:\s+--(?:home|gateway)\s+\S+)*)((?:\s+[a-z][a-z-]*)+)([^|)]*)/g,
    )) {
      const words = m[2].trim().split(/\s+/);
      const flags = [...`${m[1]} ${m[3]}`.matchAll(/--([a-z][a-z-]*)/g)].map((f) => f[1]);
      found.push({ line: i + 1, words, flags });
    }
  });
  return found;
}

t.test('every sealgate command in the README and the guides exists with its flags', async (t) => {
  const listed = await help();
  t.equal(listed.code, 0, 'sealgate --help exits 0');
  const commands = parseHelp(listed.stdout);
  t.ok(commands.has('dataset publish') && commands.has('node start'), 'the help was parsed');
  const guides = join(ROOT, 'docs/guides');
  const files = ['README.md', ...readdirSync(guides).map((f) => join('docs/guides', f))];
  let checked = 0;
  for (const file of files) {
    for (const inv of invocations(readFileSync(join(ROOT, file), 'utf8'))) {
      const name = [...inv.words.keys()]
        .map((n) => inv.words.slice(0, inv.words.length - n).join(' '))
        .find((candidate) => commands.has(candidate));
      const where = `${file}:${inv.line}: sealgate ${inv.words.join(' ')}`;
      if (name === undefined) {
        t.fail(`${where}: no such command`);
        continue;
      }
      const allowed = commands.get(name)!;
      const unknown = inv.flags.filter((f) => !allowed.has(f) && !GLOBAL.has(f));
      t.same(unknown, [], `${where}: flags exist`);
      checked++;
    }
  }
  t.ok(checked >= 40, `${checked} invocations checked`);
});
