import t from 'tap';
import { readFileSync } from 'node:fs';
import { SEALGATE_SECCOMP_PROFILE, SeccompError, parseProfile } from '../../../policies/index.js';
import { compileProfile, loadProfile, nativeArch } from '../../../policies/seccomp-native.js';

// Real libseccomp.so.2 (2.5.4 on Debian 12), loaded through koffi: no fakes.

/** This process's seccomp mode from /proc/self/status: 0 none, 2 filter. */
const seccompMode = () => Number(/^Seccomp:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
const rule = (names: string[], extra: object = {}) => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });
const profile = (syscalls: object[], extra: object = {}) =>
  parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls, ...extra });

t.test("sealgate's profile compiles to a classic-BPF program", (t) => {
  t.match(nativeArch(), /^SCMP_ARCH_(X86_64|AARCH64)$/);
  const bpf = compileProfile(SEALGATE_SECCOMP_PROFILE);
  t.ok(bpf.length > 0, `${bpf.length} bytes`);
  t.equal(bpf.length % 8, 0, 'whole struct sock_filter records');
  t.same(compileProfile(SEALGATE_SECCOMP_PROFILE), bpf, 'the same program every time');
  t.not(Buffer.from(compileProfile(SEALGATE_SECCOMP_PROFILE, { kernel: '4.7' })).length, 0);
  t.end();
});

t.test('a syscall libseccomp does not know is refused before anything is loaded', (t) => {
  const bad = profile([rule(['read', 'no_such_syscall', 'write'])]);
  t.throws(() => compileProfile(bad), SeccompError);
  t.throws(() => compileProfile(bad), { code: 'SECCOMP_UNKNOWN_SYSCALL', message: /no_such_syscall/ });
  t.throws(() => loadProfile(bad), { code: 'SECCOMP_UNKNOWN_SYSCALL', message: /no_such_syscall/ });
  t.equal(seccompMode(), 0, 'this process is still unfiltered');
  t.end();
});

t.test('what the native loader does not do is refused', (t) => {
  const notify = profile([{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }]);
  t.throws(() => compileProfile(notify), { code: 'SECCOMP_UNSUPPORTED', message: /SCMP_ACT_NOTIFY/ });
  const killable = profile([rule(['read'])], { flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] });
  t.throws(() => compileProfile(killable), { code: 'SECCOMP_UNSUPPORTED', message: /WAIT_KILLABLE_RECV/ });
  const loong = profile([rule(['read'])], { architectures: ['SCMP_ARCH_LOONGARCH64'] });
  t.throws(
    () => compileProfile(loong),
    { code: 'SECCOMP_UNSUPPORTED', message: /LOONGARCH64/ },
    'unknown to libseccomp 2.5.4',
  );
  t.equal(seccompMode(), 0);
  t.end();
});

t.test('a failed libseccomp call names the call and its errno', (t) => {
  // A big-endian architecture cannot join a little-endian filter: seccomp_arch_add gives -EDOM.
  const s390x = profile([rule(['read'])], { architectures: ['SCMP_ARCH_S390X'] });
  t.throws(() => compileProfile(s390x), SeccompError);
  t.throws(() => compileProfile(s390x), {
    code: 'SECCOMP_LIBSECCOMP_FAILED',
    message: 'seccomp_arch_add(SCMP_ARCH_S390X) failed: errno 33 (EDOM)',
  });
  t.end();
});

t.test('every action, flag and argument shape compiles', (t) => {
  const all = profile(
    [
      rule(['read'], {
        args: [
          { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
        ],
      }),
      rule(['mmap'], {
        args: [
          { index: 2, value: 4, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' },
          { index: 3, value: 1, op: 'SCMP_CMP_GE' },
        ],
      }),
      { names: ['write'], action: 'SCMP_ACT_TRACE', errnoRet: 5 },
      { names: ['close'], action: 'SCMP_ACT_KILL' },
      { names: ['exit'], action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['open'], action: 'SCMP_ACT_TRAP' },
      { names: ['dup'], action: 'SCMP_ACT_LOG' },
      { names: ['dup2'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['socketcall', 'chown32'], action: 'SCMP_ACT_ALLOW' },
    ],
    {
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'],
      archMap: [
        {
          architecture: nativeArch(),
          subArchitectures: nativeArch() === 'SCMP_ARCH_X86_64' ? ['SCMP_ARCH_X86'] : ['SCMP_ARCH_ARM'],
        },
      ],
    },
  );
  const bpf = compileProfile(all);
  t.equal(bpf.length % 8, 0);
  t.ok(bpf.length > compileProfile(profile([rule(['read'])])).length);
  t.end();
});
