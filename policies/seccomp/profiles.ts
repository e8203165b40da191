import { SEALGATE_SECCOMP_DOCUMENT } from './sealgate-profile.js';

/**
 * sealgate's seccomp profile as Docker reads it (`--security-opt seccomp=...`):
 * the JSON document, exactly as shipped in policies/seccomp/sealgate-seccomp.json.
 * Its SHA-256 is the seccomp profile digest in the evidence measurement (DESIGN.md §6.4).
 */
export const SEALGATE_SECCOMP_JSON: unknown = SEALGATE_SECCOMP_DOCUMENT;

/**
 * sealgate's seccomp profile, parsed: normalised without typebox in
 * sealgate-profile.ts (the supervisor's start), schema-checked by the tests.
 */
export { SEALGATE_SECCOMP_PROFILE } from './sealgate-profile.js';

/**
 * The capabilities Docker grants a container by default (moby `oci/caps/defaults.go`);
 * the sealed container drops all of them, but the stricter-than proof checks both.
 */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];
