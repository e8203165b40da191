import t from 'tap';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEALGATE_SECCOMP_JSON } from '../../../policies/index.js';

// Against the real dockerd on this machine: Docker itself must accept
// sealgate's profile (`--security-opt seccomp=<the JSON>`) and enforce it. The
// image is made here with `docker import` from the host's own perl and the
// libraries ldd names (no registry), and removed afterwards.

/** Syscall numbers from the kernel's syscall tables, for the probes perl makes with syscall(2). */
const NR: Record<string, Record<string, number>> = {
  x64: {
    ptrace: 101,
    mount: 165,
    umount2: 166,
    unshare: 272,
    perf_event_open: 298,
    bpf: 321,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
  },
  arm64: {
    ptrace: 117,
    mount: 40,
    umount2: 39,
    unshare: 97,
    perf_event_open: 241,
    bpf: 280,
    io_uring_setup: 425,
    io_uring_enter: 426,
    io_uring_register: 427,
  },
};
const nr = NR[process.arch];

// Prints name=result lines: "ok", or the errno of the failed call.
// Families: AF_UNIX 1, AF_INET 2, AF_INET6 10, AF_NETLINK 16, AF_PACKET 17; types SOCK_STREAM 1, SOCK_RAW 3.
const PROBE = `
my @s = ([1, 1], [2, 1], [10, 1], [16, 3], [17, 3]);
for my $p (@s) { my ($f, $ty) = @$p; $! = 0; my $ok = socket(my $s, $f, $ty, 0);
  print "socket_$f=", ($ok ? "ok" : $!+0), "\\n"; }
{ $! = 0; my $ok = socketpair(my $a, my $b, 1, 1, 0); print "socketpair_1=", ($ok ? "ok" : $!+0), "\\n"; }
{ $! = 0; my $ok = socketpair(my $a, my $b, 2, 1, 0); print "socketpair_2=", ($ok ? "ok" : $!+0), "\\n"; }
my %nr = (${Object.entries(nr ?? {})
  .map(([k, v]) => `${k} => ${v}`)
  .join(', ')});
for my $k (sort keys %nr) { $! = 0; my $rc = syscall($nr{$k}, 0, 0, 0, 0, 0);
  print "$k=", ($rc == -1 ? $!+0 : "ok"), "\\n"; }
`;

function rootfsTar(dir: string): string {
  const perl = '/usr/bin/perl';
  const libs = [...execFileSync('ldd', [perl], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g)].map(
    (m) => m[1],
  );
  const tar = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-chf', tar, '-C', '/', ...[perl, ...libs].map((p) => p.slice(1))]);
  return tar;
}

async function run(
  docker: Docker,
  image: string,
  securityOpt: string[],
  capDrop: string[],
): Promise<Record<string, string>> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['/usr/bin/perl', '-e', PROBE],
    User: '65534:65534',
    HostConfig: { NetworkMode: 'none', SecurityOpt: securityOpt, CapDrop: capDrop },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('latin1');
    if (StatusCode !== 0) throw new Error(`probe exited ${StatusCode}: ${logs}`);
    return Object.fromEntries([...logs.matchAll(/(\w+)=(\w+)/g)].map((m) => [m[1], m[2]]));
  } finally {
    await container.remove({ force: true });
  }
}

t.test(
  "dockerd accepts sealgate's profile and enforces it",
  { skip: nr === undefined && `no syscall table for ${process.arch}` },
  async (t) => {
    const docker = new Docker();
    const dir = mkdtempSync(join(tmpdir(), 'sealgate-seccomp-docker-'));
    const tag = `seccomp-${process.pid}-${Date.now()}`;
    const image = `sealgate-seccomp-probe:${tag}`;
    t.teardown(async () => {
      rmSync(dir, { recursive: true, force: true });
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    });
    const progress = await docker.importImage(rootfsTar(dir), { repo: 'sealgate-seccomp-probe', tag });
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve(null))),
    );

    const sealed = await run(
      docker,
      image,
      [`seccomp=${JSON.stringify(SEALGATE_SECCOMP_JSON)}`, 'no-new-privileges'],
      ['ALL'],
    );
    t.equal(sealed.socket_1, 'ok', 'socket(AF_UNIX)');
    t.equal(sealed.socketpair_1, 'ok', 'socketpair(AF_UNIX)');
    for (const f of ['2', '10', '16', '17'])
      t.equal(sealed[`socket_${f}`], '1', `socket(${f}) fails with EPERM`);
    t.equal(sealed.socketpair_2, '1', 'socketpair(AF_INET) fails with EPERM');
    for (const call of Object.keys(nr ?? {})) t.equal(sealed[call], '1', `${call} fails with EPERM`);

    // The control: Docker's own default profile lets the same image open an Internet socket and ptrace.
    const control = await run(docker, image, [], []);
    t.equal(control.socket_2, 'ok', "socket(AF_INET) under Docker's default");
    t.equal(control.ptrace, 'ok', "ptrace(PTRACE_TRACEME) under Docker's default");
  },
);
