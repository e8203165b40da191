/**
 * The sealed container's entrypoint (docs/supervisor.md): sealgate's own code,
 * mounted read-only at /sealed/supervisor and run by its own Node runtime.
 * Fixed paths and no options: nothing about it is configurable from inside
 * the container or through its command line.
 */
// Deep paths, not the policies' index (the sandbox and documents parts the supervisor never uses).
import { SEALGATE_SECCOMP_PROFILE } from '../../policies/seccomp/profiles.js';
import { loadProfile } from '../../policies/seccomp-native.js';
import { runSupervisor } from './supervisor.js';

const stop = new AbortController();
// As PID 1, Node ignores SIGTERM unless it handles it: stop the model, wipe, report.
process.once('SIGTERM', () => stop.abort());

const status = await runSupervisor({
  stdin: process.stdin,
  stdout: process.stdout,
  paths: { ciphertext: '/sealed/ciphertext', input: '/sealed/input', output: '/sealed/output' },
  loadSeccomp: () => loadProfile(SEALGATE_SECCOMP_PROFILE),
  signal: stop.signal,
});
process.stdout.write('', () => process.exit(status));
