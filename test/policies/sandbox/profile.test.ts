// sandboxProfile: the fixed rules, the defaults, and configuration mistakes.
import t from 'tap';
import { sandboxProfile, SANDBOX_DEFAULTS } from '../../../policies/index.js';
import { dockerDefaultSeccomp } from '../../helpers/inspect-fixtures.js';

const seccomp = dockerDefaultSeccomp();

t.test('the fixed rules and the defaults', (t) => {
  const profile = sandboxProfile({ seccomp });
  t.match(profile, {
    network: 'none',
    readonlyRootfs: true,
    capDrop: 'ALL',
    noNewPrivileges: true,
    privileged: false,
    limits: SANDBOX_DEFAULTS.limits,
    binds: SANDBOX_DEFAULTS.binds,
    tmpfs: SANDBOX_DEFAULTS.tmpfs,
    user: { uid: 65534, gid: 65534 },
    maxGpus: 0,
    runtimes: ['runc'],
    maskedPaths: SANDBOX_DEFAULTS.maskedPaths,
    readonlyPaths: SANDBOX_DEFAULTS.readonlyPaths,
  });
  t.equal(profile.seccomp, seccomp);
  t.notOk('entrypoint' in profile);
  t.end();
});

t.test('tunable parts override the defaults, limit by limit', (t) => {
  const profile = sandboxProfile({
    seccomp,
    limits: { memoryBytes: 1024 ** 3 },
    binds: [{ name: 'ciphertext', target: '/data/in.sgenc' }],
    tmpfs: [{ target: '/work', options: 'rw,size=1g' }],
    user: { uid: 1000, gid: 1000 },
    maxGpus: 4,
    runtimes: ['nvidia'],
    maskedPaths: [],
    readonlyPaths: ['/proc/sys'],
    entrypoint: ['/sealed/supervisor/run'],
  });
  t.same(profile.limits, { ...SANDBOX_DEFAULTS.limits, memoryBytes: 1024 ** 3 });
  t.same(profile.binds, [{ name: 'ciphertext', target: '/data/in.sgenc' }]);
  t.same(profile.tmpfs, [{ target: '/work', options: 'rw,size=1g' }]);
  t.match(profile, { user: { uid: 1000, gid: 1000 }, maxGpus: 4, runtimes: ['nvidia'], maskedPaths: [] });
  t.same(profile.entrypoint, ['/sealed/supervisor/run']);
  t.end();
});

t.test('configuration mistakes throw TypeError', (t) => {
  const bad: [string, Parameters<typeof sandboxProfile>[0]][] = [
    ['no seccomp object', { seccomp: null as unknown as Record<string, unknown> }],
    ['a seccomp list', { seccomp: [] as unknown as Record<string, unknown> }],
    ['a zero limit', { seccomp, limits: { pids: 0 } }],
    ['a fractional limit', { seccomp, limits: { nanoCpus: 0.5 } }],
    ['a relative target', { seccomp, tmpfs: [{ target: 'tmp', options: '' }] }],
    ['the root as target', { seccomp, tmpfs: [{ target: '/', options: '' }] }],
    ['a trailing slash', { seccomp, tmpfs: [{ target: '/tmp/', options: '' }] }],
    ['a .. in a target', { seccomp, binds: [{ name: 'x', target: '/sealed/../etc' }] }],
    ['a shared target', { seccomp, binds: [{ name: 'x', target: '/tmp' }] }],
    [
      'a shared bind name',
      {
        seccomp,
        binds: [
          { name: 'x', target: '/a' },
          { name: 'x', target: '/b' },
        ],
      },
    ],
    ['uid 0', { seccomp, user: { uid: 0, gid: 1000 } }],
    ['gid 0', { seccomp, user: { uid: 1000, gid: 0 } }],
    ['negative GPUs', { seccomp, maxGpus: -1 }],
    ['no runtime', { seccomp, runtimes: [] }],
  ];
  for (const [name, options] of bad) t.throws(() => sandboxProfile(options), TypeError, name);
  t.end();
});
