/**
 * The supervisor as a host process, for tests: `node host-supervisor.js ROOT
 * SECCOMP` runs runSupervisor with its /sealed paths under ROOT (ciphertext,
 * input/, output/) and SECCOMP `real` (sealgate's profile through libseccomp,
 * as in the container), `fail` (a loader that throws, to see
 * SUPERVISOR_SECCOMP) or `unprepared` (the loader's preparation after hello
 * fails: the same code). Not a test file itself; the tests spawn it.
 */
import { join } from 'node:path';
import { runSupervisor } from '../../../../enclave-runtime/index.js';
import { SEALGATE_SECCOMP_PROFILE, SeccompError } from '../../../../policies/index.js';
import { loadProfile } from '../../../../policies/seccomp-native.js';

const [root, mode] = process.argv.slice(2) as [string, string];
const status = await runSupervisor({
  stdin: process.stdin,
  stdout: process.stdout,
  paths: {
    ciphertext: join(root, 'ciphertext'),
    modelCiphertext: join(root, 'model-ciphertext'),
    input: join(root, 'input'),
    output: join(root, 'output'),
  },
  ...(mode === 'unprepared'
    ? {
        prepareSeccomp: () =>
          Promise.reject(
            new SeccompError('SECCOMP_LIBSECCOMP_FAILED', 'libseccomp did not load for the test'),
          ),
      }
    : {}),
  loadSeccomp:
    mode === 'real' || mode === 'unprepared'
      ? () => loadProfile(SEALGATE_SECCOMP_PROFILE)
      : () => {
          throw new SeccompError('SECCOMP_LIBSECCOMP_FAILED', 'refused for the test');
        },
  cwd: root,
  path: process.env.PATH ?? '/usr/bin:/bin',
});
process.stdout.write('', () => process.exit(status));
