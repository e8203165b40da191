/**
 * The sealed container's entrypoint (docs/supervisor.md): sealgate's own code,
 * mounted read-only at /sealed/supervisor and run by its own Node runtime.
 * Fixed paths and no options: nothing about it is configurable from inside
 * the container or through its command line.
 */
import { runSupervisor } from './supervisor.js';

// sealgate's seccomp profile (normalised without typebox: its schema check runs in the tests) and
// libseccomp through koffi are imported after `hello`, while the agent fetches the key: the
// container's start does not wait for them. Deep paths, not the policies' index (its sandbox and
// documents parts are never used here). docs/sealing-figures.md.
let load: (() => void) | undefined;
async function prepareSeccomp(): Promise<void> {
  const [{ SEALGATE_SECCOMP_PROFILE }, { loadProfile }] = await Promise.all([
    import('../../policies/seccomp/sealgate-profile.js'),
    import('../../policies/seccomp-native.js'),
  ]);
  load = () => loadProfile(SEALGATE_SECCOMP_PROFILE);
}

const stop = new AbortController();
// As PID 1, Node ignores SIGTERM unless it handles it: stop the model, wipe, report.
process.once('SIGTERM', () => stop.abort());

const status = await runSupervisor({
  stdin: process.stdin,
  stdout: process.stdout,
  paths: {
    ciphertext: '/sealed/ciphertext',
    modelCiphertext: '/sealed/model-ciphertext',
    input: '/sealed/input',
    output: '/sealed/output',
  },
  prepareSeccomp,
  loadSeccomp: () => {
    if (load === undefined) throw new TypeError('the seccomp filter was not prepared');
    load();
  },
  signal: stop.signal,
});
process.stdout.write('', () => process.exit(status));
