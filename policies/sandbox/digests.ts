/**
 * The digests of a sealed container's measurement (DESIGN.md section 6.4) that
 * both the node agent (which signs them) and the key broker (which recomputes
 * them) must compute byte for byte alike: SHA-256 over RFC 8785 canonical JSON.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalizeBytes } from '../../attest/index.js';
import { securityConfig } from './security-config.js';
import type { SeccompProfileJson } from './profile.js';

/**
 * `sha256:<hex>` of the normalised security configuration of an untrusted
 * inspect document (throws `SANDBOX_INSPECT_MALFORMED` like `securityConfig`):
 * the evidence's `containerConfigDigest`.
 */
export function securityConfigDigest(inspect: unknown): string {
  return `sha256:${bytesToHex(sha256(canonicalizeBytes(securityConfig(inspect))))}`;
}

/** `sha256:<hex>` of a Docker-format seccomp profile: the evidence's `seccompProfileDigest`. */
export function seccompProfileDigest(profile: SeccompProfileJson): string {
  return `sha256:${bytesToHex(sha256(canonicalizeBytes(profile)))}`;
}
