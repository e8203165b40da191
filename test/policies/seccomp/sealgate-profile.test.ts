import t from 'tap';
import { SEALGATE_SECCOMP_PROFILE as ours, decide, type SeccompContext } from '../../../policies/index.js';
import { DOCKER_DEFAULT, PROOF_CONTEXTS } from './reference.js';

// Address families from <linux/socket.h>.
const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17, ALG: 38, VSOCK: 40 } as const;
const nativeContexts = PROOF_CONTEXTS.filter((c) => c.abi === c.arch);
const denied = (ctx: SeccompContext, syscall: string, args: number[] = []) =>
  decide(ours, syscall, args, ctx).action !== 'SCMP_ACT_ALLOW';

t.test('sockets: AF_UNIX only', (t) => {
  for (const ctx of nativeContexts) {
    const where = `${ctx.arch} caps=${ctx.caps.length} kernel=${ctx.kernel ?? 'current'}`;
    for (const family of ['INET', 'INET6', 'NETLINK', 'PACKET', 'ALG', 'VSOCK'] as const) {
      t.match(
        decide(ours, 'socket', [AF[family], 1, 0], ctx),
        { action: 'SCMP_ACT_ERRNO', errno: 1 },
        `socket(AF_${family}) ${where}`,
      );
      t.ok(denied(ctx, 'socketpair', [AF[family], 1, 0]), `socketpair(AF_${family}) ${where}`);
    }
    t.match(
      decide(ours, 'socket', [AF.UNIX, 1, 0], ctx),
      { action: 'SCMP_ACT_ALLOW' },
      `socket(AF_UNIX) ${where}`,
    );
    t.match(
      decide(ours, 'socketpair', [AF.UNIX, 1, 0], ctx),
      { action: 'SCMP_ACT_ALLOW' },
      `socketpair(AF_UNIX) ${where}`,
    );
    t.ok(denied(ctx, 'socketcall'), `socketcall, which hides the family from seccomp ${where}`);
  }
  t.end();
});

t.test('no tracing, mounting, io_uring, bpf or perf events, in any context', (t) => {
  const banned = [
    ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise'],
    ['mount', 'umount', 'umount2', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree'],
    ['mount_setattr', 'listmount', 'statmount', 'pivot_root', 'chroot'],
    ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
    ['bpf', 'perf_event_open', 'unshare', 'setns', 'open_by_handle_at', 'init_module', 'finit_module'],
  ].flat();
  for (const ctx of PROOF_CONTEXTS) {
    for (const syscall of banned) t.ok(denied(ctx, syscall), `${syscall} ${ctx.abi} caps=${ctx.caps.length}`);
  }
  t.end();
});

t.test('no rule depends on a capability, and only 64-bit native ABIs are in the filter', (t) => {
  t.same(
    ours.syscalls.filter((r) => r.includes.caps.length + r.excludes.caps.length > 0),
    [],
  );
  t.same(
    ours.archMap.map((a) => a.subArchitectures),
    [[], []],
  );
  t.ok(
    denied({ arch: 'SCMP_ARCH_X86_64', abi: 'SCMP_ARCH_X86', caps: [] }, 'read'),
    'a 32-bit x86 call is killed',
  );
  t.end();
});

t.test('what a model still needs works', (t) => {
  const x86 = { arch: 'SCMP_ARCH_X86_64', caps: [] } as const;
  for (const syscall of [
    'read',
    'write',
    'openat',
    'mmap',
    'futex',
    'execve',
    'exit_group',
    'seccomp',
    'prctl',
  ]) {
    t.match(decide(ours, syscall, [], x86), { action: 'SCMP_ACT_ALLOW' }, syscall);
  }
  t.match(decide(ours, 'clone', [0x3d0f00], x86), { action: 'SCMP_ACT_ALLOW' }, 'clone for a thread');
  t.match(
    decide(ours, 'clone', [0x10000011], x86),
    { action: 'SCMP_ACT_ERRNO' },
    'but not a new user namespace',
  );
  t.match(
    decide(ours, 'clone3', [], x86),
    { action: 'SCMP_ACT_ERRNO', errno: 38 },
    'ENOSYS: libc falls back to clone',
  );
  t.end();
});

t.test("the shipped JSON is Docker's default with exactly the documented edits (docs/seccomp.md)", (t) => {
  const [oursBase, unixOnly, ...oursRest] = ours.syscalls;
  const [dockerBase, ...dockerRest] = DOCKER_DEFAULT.syscalls;
  const removed = (dockerBase?.names ?? []).filter((n) => !oursBase?.names.includes(n));
  t.same(removed.sort(), [
    'getxattrat',
    'listmount',
    'listxattrat',
    'mseal',
    'removexattrat',
    'riscv_hwprobe',
    'setxattrat',
    'socketcall',
    'socketpair',
    'statmount',
    'uretprobe',
  ]);
  t.same(
    oursBase?.names.filter((n) => !dockerBase?.names.includes(n)),
    [],
    'nothing added to the allow list',
  );
  t.same(unixOnly?.names, ['socket', 'socketpair']);
  t.same(unixOnly?.args, [{ index: 0, value: 1n, valueTwo: 0n, op: 'SCMP_CMP_EQ' }]);
  // The rest is Docker's rules 5-20 (personality, per-arch, clone, clone3) minus their excludes.caps.
  const kept = dockerRest.filter(
    (r) => !r.names.includes('socket') && r.includes.caps.length === 0 && r.includes.minKernel === undefined,
  );
  t.same(
    oursRest,
    kept.map((r) => ({ ...r, excludes: { ...r.excludes, caps: [] } })),
  );
  t.end();
});
