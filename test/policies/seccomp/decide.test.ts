import t from 'tap';
import { DOCKER_DEFAULT_CAPS, SeccompError, decide, parseProfile, toArgs } from '../../../policies/index.js';
import { AARCH64, DOCKER_DEFAULT as docker, X86_64 } from './reference.js';

const EPERM = { action: 'SCMP_ACT_ERRNO', errno: 1 };
const ALLOW = { action: 'SCMP_ACT_ALLOW' };
const profile = (syscalls: object[], extra: object = {}) =>
  parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls, ...extra });

t.test("Docker's default, as dockerd and runc would apply it", (t) => {
  const caps = { ...X86_64, caps: DOCKER_DEFAULT_CAPS };
  t.match(decide(docker, 'read', [], X86_64), { ...ALLOW, source: 0 });
  t.match(decide(docker, 'no_such_syscall', [], X86_64), { ...EPERM, source: 'default' });
  t.match(decide(docker, 'socket', [2], X86_64), ALLOW, 'AF_INET');
  t.match(decide(docker, 'socket', [38], X86_64), EPERM, 'AF_ALG is outside its ranges');
  t.match(decide(docker, 'socket', [39], X86_64), ALLOW);
  t.match(decide(docker, 'socket', [40], X86_64), EPERM, 'AF_VSOCK too');
  t.match(decide(docker, 'socket', [41], X86_64), ALLOW);
  t.match(decide(docker, 'ptrace', [], X86_64), ALLOW, 'minKernel 4.8: an unnamed kernel is new enough');
  t.match(decide(docker, 'ptrace', [], { ...X86_64, kernel: '6.1.0-18-amd64' }), ALLOW);
  t.match(decide(docker, 'ptrace', [], { ...X86_64, kernel: '4.7.10' }), EPERM, 'older than 4.8');
  t.match(decide(docker, 'ptrace', [], { ...X86_64, kernel: '3.19' }), EPERM);
  t.match(decide(docker, 'chroot', [], X86_64), EPERM, 'needs CAP_SYS_CHROOT');
  t.match(decide(docker, 'chroot', [], caps), ALLOW, 'which Docker grants by default');
  t.match(decide(docker, 'mount', [], caps), EPERM);
  t.match(decide(docker, 'mount', [], { ...X86_64, caps: ['CAP_SYS_ADMIN'] }), ALLOW);
  t.match(decide(docker, 'arch_prctl', [], X86_64), ALLOW, 'includes.arches amd64');
  t.match(decide(docker, 'arch_prctl', [], AARCH64), EPERM);
  t.match(decide(docker, 'cacheflush', [], AARCH64), ALLOW, 'includes.arches arm64');
  t.match(decide(docker, 'clone', [0x11], X86_64), ALLOW, 'SIGCHLD, no namespace flag');
  t.match(decide(docker, 'clone', [0x10000011], X86_64), EPERM, 'CLONE_NEWUSER is masked out');
  t.match(
    decide(docker, 'clone', [0x10000011], { ...X86_64, caps: ['CAP_SYS_ADMIN'] }),
    ALLOW,
    'excludes.caps',
  );
  t.match(decide(docker, 'clone3', [], X86_64), { action: 'SCMP_ACT_ERRNO', errno: 38 }, 'ENOSYS');
  t.match(decide(docker, 'personality', [0xffffffff], X86_64), ALLOW);
  t.match(decide(docker, 'personality', [1], X86_64), EPERM);
  t.end();
});

t.test('architectures: the filter holds the host and the sub-architectures of its archMap entry', (t) => {
  t.match(decide(docker, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_X86' }), ALLOW);
  t.match(decide(docker, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_X32' }), ALLOW);
  const kill = { action: 'SCMP_ACT_KILL_THREAD', source: 'arch' };
  t.match(decide(docker, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_ARM' }), kill, 'not in the filter');
  const legacy = profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }], {
    architectures: ['SCMP_ARCH_X86'],
  });
  t.match(
    decide(legacy, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_X86' }),
    ALLOW,
    'legacy architectures list',
  );
  t.match(decide(legacy, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_X32' }), kill);
  const none = profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }]);
  t.match(decide(none, 'read', [], { ...X86_64, abi: 'SCMP_ARCH_X86' }), kill, 'no list: native only');
  t.end();
});

t.test('argument comparisons are unsigned 64-bit, MASKED_EQ compares (arg & value) with valueTwo', (t) => {
  const ops: [string, number, [number | bigint, boolean][]][] = [
    [
      'SCMP_CMP_NE',
      5,
      [
        [5, false],
        [4, true],
      ],
    ],
    [
      'SCMP_CMP_LT',
      5,
      [
        [4, true],
        [5, false],
        [-1, false],
      ],
    ],
    [
      'SCMP_CMP_LE',
      5,
      [
        [5, true],
        [6, false],
      ],
    ],
    [
      'SCMP_CMP_EQ',
      5,
      [
        [5, true],
        [5n + (1n << 32n), false],
      ],
    ],
    [
      'SCMP_CMP_GE',
      5,
      [
        [5, true],
        [4, false],
      ],
    ],
    [
      'SCMP_CMP_GT',
      5,
      [
        [6, true],
        [5, false],
        [-1, true],
      ],
    ],
  ];
  for (const [op, value, probes] of ops) {
    const p = profile([{ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value, op }] }]);
    for (const [arg, allowed] of probes) {
      t.equal(
        decide(p, 'ioctl', [0, 0, arg], X86_64).action,
        allowed ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_ERRNO',
        `${op} ${arg}`,
      );
    }
  }
  const masked = profile([
    {
      names: ['mmap'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 2, value: 0b110, valueTwo: 0b010, op: 'SCMP_CMP_MASKED_EQ' }],
    },
  ]);
  t.match(decide(masked, 'mmap', [0, 0, 0b011], X86_64), ALLOW);
  t.match(decide(masked, 'mmap', [0, 0, 0b111], X86_64), EPERM);
  t.same(toArgs([-1]), [(1n << 64n) - 1n, 0n, 0n, 0n, 0n, 0n], 'negative arguments wrap to 64 bits');
  t.throws(() => toArgs([1, 2, 3, 4, 5, 6, 7]), TypeError);
  t.end();
});

t.test('several comparisons AND, unless two share an index: then each is a rule of its own (OR)', (t) => {
  const and = profile([
    {
      names: ['kill'],
      action: 'SCMP_ACT_ALLOW',
      args: [
        { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
        { index: 1, value: 9, op: 'SCMP_CMP_EQ' },
      ],
    },
  ]);
  t.match(decide(and, 'kill', [1, 9], X86_64), ALLOW);
  t.match(decide(and, 'kill', [1, 15], X86_64), EPERM);
  const or = profile([
    {
      names: ['kill'],
      action: 'SCMP_ACT_ALLOW',
      args: [
        { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
        { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
      ],
    },
  ]);
  t.match(decide(or, 'kill', [1], X86_64), ALLOW);
  t.match(decide(or, 'kill', [2], X86_64), ALLOW);
  t.match(decide(or, 'kill', [3], X86_64), EPERM);
  t.end();
});

t.test("runc's actions and libseccomp's precedence between rules", (t) => {
  const p = profile([
    { names: ['read'], action: 'SCMP_ACT_ERRNO' },
    { names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
    { names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
    { names: ['write'], action: 'SCMP_ACT_TRACE' },
    { names: ['write'], action: 'SCMP_ACT_KILL' },
    { names: ['close'], action: 'SCMP_ACT_KILL' },
    { names: ['dup'], action: 'SCMP_ACT_TRACE', errnoRet: 7 },
    { names: ['dup2'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
    { names: ['dup2'], action: 'SCMP_ACT_LOG' },
  ]);
  t.match(
    decide(p, 'read', [3], X86_64),
    { ...ALLOW, source: 1 },
    'an ERRNO(EPERM) rule equals the default: runc drops it',
  );
  t.match(
    decide(p, 'write', [3], X86_64),
    { action: 'SCMP_ACT_TRACE', errno: 1, source: 3 },
    'unconditional wins, the first one',
  );
  t.match(decide(p, 'close', [], X86_64), { action: 'SCMP_ACT_KILL_THREAD' }, 'KILL is KILL_THREAD');
  t.match(decide(p, 'dup', [], X86_64), { action: 'SCMP_ACT_TRACE', errno: 7 });
  t.match(decide(p, 'dup2', [], X86_64), { action: 'SCMP_ACT_LOG', source: 8 });
  t.end();
});

t.test('conditional rules that disagree on the same call are refused, not guessed', (t) => {
  const p = profile([
    { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 10, op: 'SCMP_CMP_LT' }] },
    {
      names: ['socket'],
      action: 'SCMP_ACT_ERRNO',
      errnoRet: 97,
      args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }],
    },
  ]);
  t.match(decide(p, 'socket', [1], X86_64), ALLOW, 'only one matches');
  t.match(decide(p, 'socket', [11], X86_64), EPERM, 'none matches');
  t.throws(() => decide(p, 'socket', [2], X86_64), SeccompError);
  t.throws(() => decide(p, 'socket', [2], X86_64), {
    code: 'SECCOMP_RULES_AMBIGUOUS',
    message: /rules 0 and 1 .*socket/,
  });
  t.end();
});

t.test('contexts that are programming mistakes', (t) => {
  t.throws(
    () => decide(docker, 'read', [], { arch: 'SCMP_ARCH_X32', caps: [] }),
    TypeError,
    'x32 is no host',
  );
  t.throws(() => decide(docker, 'read', [], { ...X86_64, kernel: 'six' }), TypeError);
  t.end();
});
