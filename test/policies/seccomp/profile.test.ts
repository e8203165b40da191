import t from 'tap';
import { SEALGATE_SECCOMP_JSON, SeccompError, parseProfile } from '../../../policies/index.js';
import { DOCKER_DEFAULT } from './reference.js';

const minimal = {
  defaultAction: 'SCMP_ACT_ERRNO',
  syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }],
};
/** `minimal` with its one rule replaced by `rule`. */
const withRule = (rule: object) => ({ ...minimal, syscalls: [rule] });

t.test("Docker's default profile parses, normalised", (t) => {
  t.equal(DOCKER_DEFAULT.defaultAction, 'SCMP_ACT_ERRNO');
  t.equal(DOCKER_DEFAULT.defaultErrnoRet, 1);
  t.equal(DOCKER_DEFAULT.syscalls.length, 33);
  const riscv = DOCKER_DEFAULT.archMap.find((a) => a.architecture === 'SCMP_ARCH_RISCV64');
  t.same(riscv?.subArchitectures, [], 'subArchitectures: null becomes []');
  const ptrace = DOCKER_DEFAULT.syscalls[1];
  t.same(ptrace?.includes.minKernel, [4, 8]);
  const clone = DOCKER_DEFAULT.syscalls[18];
  t.same(clone?.args, [{ index: 0, value: 2114060288n, valueTwo: 0n, op: 'SCMP_CMP_MASKED_EQ' }]);
  t.same(clone?.excludes.caps, ['CAP_SYS_ADMIN']);
  t.equal(DOCKER_DEFAULT.syscalls[19]?.comment, 's390 parameter ordering for clone is different');
  t.end();
});

t.test("sealgate's profile parses", (t) => {
  const p = parseProfile(SEALGATE_SECCOMP_JSON);
  t.same(
    p.archMap.map((a) => a.architecture),
    ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
  );
  t.end();
});

t.test('legacy and optional fields are read the way Docker reads them', (t) => {
  const p = parseProfile({
    defaultAction: 'SCMP_ACT_TRACE',
    defaultErrnoRet: 38,
    architectures: ['SCMP_ARCH_X86_64'],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    listenerPath: '/run/agent.sock',
    listenerMetadata: 'meta',
    syscalls: [
      { name: 'read', action: 'SCMP_ACT_ALLOW', args: null, includes: { minKernel: '' } },
      {
        names: ['write'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: 5,
        args: [{ index: 1, value: 3, valueTwo: 1, op: 'SCMP_CMP_MASKED_EQ' }],
      },
    ],
  });
  t.same(p.architectures, ['SCMP_ARCH_X86_64']);
  t.same(p.archMap, []);
  t.same(p.flags, ['SECCOMP_FILTER_FLAG_LOG']);
  t.equal(p.listenerPath, '/run/agent.sock');
  t.equal(p.listenerMetadata, 'meta');
  t.same(p.syscalls[0]?.names, ['read'], 'the legacy single name becomes names');
  t.same(p.syscalls[0]?.args, []);
  t.equal(p.syscalls[0]?.includes.minKernel, undefined, 'an empty minKernel means none');
  t.same(p.syscalls[1]?.args[0], { index: 1, value: 3n, valueTwo: 1n, op: 'SCMP_CMP_MASKED_EQ' });
  t.equal(p.syscalls[1]?.errnoRet, 5);
  t.same(parseProfile({ defaultAction: 'SCMP_ACT_ALLOW' }).syscalls, [], 'no syscalls at all');
  t.end();
});

t.test('a malformed profile is refused with the path of the bad field', (t) => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'profile', '/'],
    ['no default action (Docker would read it as no seccomp)', { syscalls: [] }, '/defaultAction'],
    ['an unknown action', { ...minimal, defaultAction: 'SCMP_ACT_MAYBE' }, '/defaultAction'],
    ['an unknown top-level field', { ...minimal, defaultActon: 'SCMP_ACT_ALLOW' }, '/defaultActon'],
    [
      'a misspelt includes',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', include: {} }),
      '/syscalls/0/include',
    ],
    [
      'an unknown op',
      withRule({
        names: ['read'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 1, op: 'SCMP_CMP_IS' }],
      }),
      '/syscalls/0/args/0/op',
    ],
    [
      'argument index 6',
      withRule({
        names: ['read'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }],
      }),
      '/syscalls/0/args/0/index',
    ],
    [
      'a value past 2^53',
      withRule({
        names: ['read'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }],
      }),
      '/syscalls/0/args/0/value',
    ],
    [
      'a negative errno',
      withRule({ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: -1 }),
      '/syscalls/0/errnoRet',
    ],
    [
      'a syscall name with odd characters',
      withRule({ names: ['read; rm'], action: 'SCMP_ACT_ALLOW' }),
      '/syscalls/0/names/0',
    ],
    ['an unknown architecture', { ...minimal, architectures: ['SCMP_ARCH_VAX'] }, '/architectures/0'],
    [
      'both name and names',
      withRule({ name: 'read', names: ['write'], action: 'SCMP_ACT_ALLOW' }),
      '/syscalls/0/name',
    ],
    ['a rule without a name', withRule({ names: [], action: 'SCMP_ACT_ALLOW' }), '/syscalls/0/names'],
    [
      'errnoRet on ALLOW',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }),
      '/syscalls/0/errnoRet',
    ],
    [
      'defaultErrnoRet on KILL',
      { ...minimal, defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1 },
      '/defaultErrnoRet',
    ],
    ['both architectures and archMap', { ...minimal, architectures: [], archMap: [] }, '/architectures'],
    [
      'a minKernel of 0.0',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '0.0' } }),
      '/syscalls/0/includes/minKernel',
    ],
    [
      'a minKernel past 8 bits',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '4.300' } }),
      '/syscalls/0/excludes/minKernel',
    ],
    [
      'a minKernel with three parts',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8.1' } }),
      '/syscalls/0/includes/minKernel',
    ],
    [
      'a capability without its CAP_ prefix',
      withRule({ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['SYS_ADMIN'] } }),
      '/syscalls/0/includes/caps/0',
    ],
  ];
  for (const [what, doc, path] of cases) {
    t.throws(() => parseProfile(doc), SeccompError, what);
    t.throws(
      () => parseProfile(doc),
      { code: 'SECCOMP_PROFILE_MALFORMED', message: new RegExp(`^seccomp profile ${path}: `) },
      what,
    );
  }
  t.end();
});
