import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// loadProfile is irreversible, so it runs in a child Node process: the script
// test/policies/seccomp/fixtures/seccomp-child.ts (compiled next to this file)
// starts a worker thread, loads sealgate's profile with real libseccomp, and
// prints one JSON line of what the main thread and the worker could still do.
const CHILD = fileURLToPath(new URL('./fixtures/seccomp-child.js', import.meta.url));

interface ThreadStatus {
  seccomp: number;
  noNewPrivs: number;
}
interface ChildResult {
  main: ThreadStatus;
  tcp4: string;
  tcp6: string;
  udp4: string;
  unix: string;
  worker: ThreadStatus & { tcp: string };
}

function runChild(mode: 'load' | 'none'): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sealgate-seccomp-child-'));
  return new Promise<ChildResult>((resolve, reject) => {
    execFile(process.execPath, [CHILD, mode, dir], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed: ${stderr}`, { cause: err }));
      else resolve(JSON.parse(stdout) as ChildResult);
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

t.test('without the profile, the child can open Internet sockets (the control)', async (t) => {
  const { tcp6, ...r } = await runChild('none');
  t.not(tcp6, 'EPERM', 'IPv6 may be off on a host, but is never refused by seccomp here');
  t.same(r, {
    main: { seccomp: 0, noNewPrivs: 0 },
    tcp4: 'ok',
    udp4: 'ok',
    unix: 'ok',
    worker: { tcp: 'ok', seccomp: 0, noNewPrivs: 0 },
  });
});

t.test(
  'with the profile loaded: AF_INET/AF_INET6 fail with EPERM, AF_UNIX works, in every thread',
  async (t) => {
    const r = await runChild('load');
    t.same(r.main, { seccomp: 2, noNewPrivs: 1 }, 'filter mode, no_new_privs set');
    t.equal(r.tcp4, 'EPERM', 'net.createServer().listen(0, "127.0.0.1")');
    t.equal(r.tcp6, 'EPERM', 'listen on ::1');
    t.equal(r.udp4, 'EPERM', 'dgram udp4 bind');
    t.equal(r.unix, 'ok', 'a server on a path and a client echo through AF_UNIX');
    t.same(
      r.worker,
      { tcp: 'EPERM', seccomp: 2, noNewPrivs: 1 },
      'the worker started before the load is filtered too (TSYNC)',
    );
  },
);
