// The `sealgate` binary (bin/sealgate.ts) as a user runs it: global options handled once for
// every command, one-line failures, non-zero exits.
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

function sealgate(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // No V8 coverage in the CLI processes (see test/bin/sealgate.ts cleanEnv).
    const parent = { ...process.env };
    delete parent.NODE_V8_COVERAGE;
    execFile(process.execPath, [cli, ...args], { env: { ...parent, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

t.test('version prints text, or JSON with --json', async (t) => {
  const text = await sealgate(['version']);
  t.equal(text.code, 0);
  t.match(text.stdout, /^sealgate \d+\.\d+\.\d+\n$/);
  const json = await sealgate(['version', '--json']);
  t.match(JSON.parse(json.stdout), { version: String });
});

t.test('an unknown command exits 1 with one line naming it', async (t) => {
  const r = await sealgate(['frobnicate']);
  t.equal(r.code, 1);
  t.equal(r.stderr, "sealgate: unknown command 'frobnicate' (try sealgate --help) (CLI_UNKNOWN_COMMAND)\n");
});

t.test('a failure with --json is also a JSON document on stdout', async (t) => {
  const r = await sealgate(['frobnicate', '--json']);
  t.equal(r.code, 1);
  t.same(JSON.parse(r.stdout), {
    error: { code: 'CLI_UNKNOWN_COMMAND', message: "unknown command 'frobnicate' (try sealgate --help)" },
  });
});

t.test('an unknown option is a usage error, not a stack', async (t) => {
  const r = await sealgate(['version', '--bogus']);
  t.equal(r.code, 1);
  t.match(r.stderr, /^sealgate: Unknown option '--bogus'.*\(CLI_USAGE\)\n$/);
  t.notMatch(r.stderr, /\n\s+at /);
});

t.test('too many arguments is a usage error', async (t) => {
  const r = await sealgate(['version', 'extra']);
  t.equal(r.code, 1);
  t.match(r.stderr, /usage: sealgate version.*\(CLI_USAGE\)/);
});

t.test('--help lists the commands and the global options', async (t) => {
  const r = await sealgate(['--help']);
  t.equal(r.code, 0);
  t.match(r.stdout, /sealgate version/);
  t.match(r.stdout, /--json, --home DIR \(SEALGATE_HOME\), --gateway URL \(SEALGATE_GATEWAY\)/);
  const bare = await sealgate([]);
  t.equal(bare.code, 2, 'no command at all is a usage exit');
  const cmd = await sealgate(['version', '--help']);
  t.match(cmd.stdout, /^usage: sealgate version/);
});

// Every command's --help, --json and one-line failure: test/client/cli/checks.test.ts (in process, fast).

t.test('global options may come before the command', async (t) => {
  const r = await sealgate(['--json', '--home', '/nonexistent', 'version']);
  t.equal(r.code, 0, r.stderr);
  t.match(JSON.parse(r.stdout), { version: String });
});
