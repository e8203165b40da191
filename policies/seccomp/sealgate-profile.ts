/*
 * sealgate's own seccomp profile, normalised without the schema library: the
 * in-container supervisor loads this module after `hello`, and typebox's
 * schema check cost it about 300 ms of CPU on the sealed path
 * (docs/sealing-figures.md). The document is a constant shipped with this
 * code and measured with the supervisor's tree; its schema check happens in
 * the tests instead (test/policies/seccomp/sealgate-profile.test.ts asserts
 * that parseProfile accepts it and gives exactly this value).
 */
import sealgateJson from './sealgate-seccomp.json' with { type: 'json' };
import { normaliseProfile } from './normalise.js';
import type { SeccompProfileJson } from './schema.js';
import type { SeccompProfile } from './types.js';

/** The shipped document, as Docker reads it (profiles.ts exports it as SEALGATE_SECCOMP_JSON). */
export const SEALGATE_SECCOMP_DOCUMENT: unknown = sealgateJson;

/** sealgate's seccomp profile, parsed (docs/seccomp.md says how it differs from Docker's default). */
export const SEALGATE_SECCOMP_PROFILE: SeccompProfile = normaliseProfile(sealgateJson as SeccompProfileJson);
