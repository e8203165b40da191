// The profile sealgate runs models under, end to end on the real dockerd: a
// container made from sealedSandboxProfile carries sealgate's seccomp profile
// and passes the evaluator; one under Docker's default seccomp does not.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  SEALGATE_SECCOMP_JSON,
  evaluateSandbox,
  sandboxContainerConfig,
  sealedSandboxProfile,
} from '../../policies/index.js';
import { DockerScope, dockerForTest } from '../helpers/docker.js';
import { dockerDefaultSeccomp } from '../helpers/inspect-fixtures.js';

t.test('the sealed profile uses sealgate’s seccomp profile unless told otherwise', (t) => {
  t.same(sealedSandboxProfile().seccomp, SEALGATE_SECCOMP_JSON);
  const other = { defaultAction: 'SCMP_ACT_ERRNO' };
  t.same(sealedSandboxProfile({ seccomp: other }).seccomp, other);
  t.end();
});

const docker = await dockerForTest(t);
if (docker !== undefined) {
  const scope = new DockerScope(docker, 'sealed');
  t.teardown(() => scope.cleanup());
  const host = mkdtempSync(join(tmpdir(), 'sealgate-sealed-'));
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  for (const dir of ['ciphertext', 'supervisor']) mkdirSync(join(host, dir));
  const image = await scope.importImage([{ path: 'model', content: 'model\n' }]);
  const run = {
    binds: { ciphertext: join(host, 'ciphertext'), supervisor: join(host, 'supervisor') },
    limits: { pids: 64, memoryBytes: 256 * 1024 ** 2, nanoCpus: 5e8 },
  };
  const profile = sealedSandboxProfile();

  t.test('a container created from the sealed profile passes it', async (t) => {
    const inspect = await scope.create({
      Image: image,
      Cmd: ['/model'],
      ...sandboxContainerConfig(profile, run),
    });
    t.same(evaluateSandbox(inspect, profile), []);
  });

  t.test('the same container under Docker’s default seccomp profile is refused for it', async (t) => {
    const loose = sandboxContainerConfig(sealedSandboxProfile({ seccomp: dockerDefaultSeccomp() }), run);
    const inspect = await scope.create({ Image: image, Cmd: ['/model'], ...loose });
    t.same(
      evaluateSandbox(inspect, profile).map((v) => v.code),
      ['SANDBOX_SECCOMP'],
    );
  });
}
