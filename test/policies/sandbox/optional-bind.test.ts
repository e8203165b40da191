// The audit's optional bind (docs/audit.md): the sealed model's ciphertext at
// /sealed/model-ciphertext is mounted only for a job that brings it, read-only
// and private like every bind, and a sealed container with it passes checkMounts.
import t from 'tap';
import { SANDBOX_DEFAULTS, sandboxContainerConfig, sandboxProfile } from '../../../policies/index.js';
import { dockerDefaultSeccomp } from '../../helpers/inspect-fixtures.js';

const profile = sandboxProfile({ seccomp: dockerDefaultSeccomp() });
const limits = { pids: 256, memoryBytes: 1024 ** 3, nanoCpus: 2e9 };
const binds = { ciphertext: '/jobs/j1/ciphertext', supervisor: '/opt/sealgate/supervisor' };

t.test('the default profile has the optional modelCiphertext bind', (t) => {
  t.same(profile.binds.at(-1), {
    name: 'modelCiphertext',
    target: '/sealed/model-ciphertext',
    optional: true,
  });
  t.same(
    SANDBOX_DEFAULTS.binds.map((b) => b.name),
    ['ciphertext', 'supervisor', 'modelCiphertext'],
  );
  t.end();
});

t.test('absent, no mount; present, a read-only private mount', (t) => {
  const without = sandboxContainerConfig(profile, { binds, limits });
  t.same(
    without.HostConfig.Mounts.map((m) => m.Target),
    ['/sealed/ciphertext', '/sealed/supervisor'],
  );
  const withModel = sandboxContainerConfig(profile, {
    binds: { ...binds, modelCiphertext: '/jobs/j1/model-ciphertext' },
    limits,
  });
  t.same(withModel.HostConfig.Mounts.at(-1), {
    Type: 'bind',
    Source: '/jobs/j1/model-ciphertext',
    Target: '/sealed/model-ciphertext',
    ReadOnly: true,
    BindOptions: { Propagation: 'rprivate' },
  });
  t.throws(
    () => sandboxContainerConfig(profile, { binds: { ...binds, modelCiphertext: 'relative' }, limits }),
    { code: 'SANDBOX_RUN_INVALID' },
  );
  t.throws(() => sandboxContainerConfig(profile, { binds: { ciphertext: '/x' }, limits }), {
    code: 'SANDBOX_RUN_INVALID',
    message: /no host path for the supervisor bind/,
  });
  t.end();
});
