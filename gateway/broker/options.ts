/**
 * The key broker's options (part of the gateway's options, normalised once).
 * The allowlists of supervisor digests and runtime versions start empty,
 * which refuses every release: `sealgate gateway start` (bin/) fills them
 * from the supervisor bundle and runtime it ships (docs/broker.md).
 */
import type { SandboxProfile } from '../../policies/index.js';
import type { SnpTcb, VerifierRegistry } from '../../attest/index.js';
import { DIGEST_PATTERN, defaultVerifiers, sevSnpVerifier } from '../../attest/index.js';
import { SEALED_MAX_GPUS, sealedSandboxProfile } from '../../policies/index.js';

/** What `buildApp({ broker })` takes. */
export interface BrokerOptions {
  /** `sha256:` digests of the supervisor bundles a sealed container may run (default none). */
  readonly supervisorDigests?: readonly string[];
  /** Node agent (enclave-runtime) versions allowed to seal containers (default none). */
  readonly runtimeVersions?: readonly string[];
  /** How long a nonce is valid, seconds (default 60, node-protocol §3.1). */
  readonly nonceTtlSeconds?: number;
  /** How old evidence may be when it arrives, seconds (default 120). */
  readonly evidenceTtlSeconds?: number;
  /**
   * The sandbox profile containers are judged by (default
   * `sealedSandboxProfile({ maxGpus })`). Give this or `maxGpus`, not both.
   */
  readonly profile?: SandboxProfile;
  /**
   * The most GPUs a sealed container may be given and still pass the
   * evidence check (default SEALED_MAX_GPUS, 8; 0 refuses every GPU container).
   */
  readonly maxGpus?: number;
  /**
   * The `sev-snp` hardware tier (docs/sev-snp.md), with AMD's roots. Off unless at
   * least one launch measurement (96 lowercase hex digits) is allowed.
   */
  readonly sevSnp?: {
    readonly allowedMeasurements?: readonly string[];
    readonly vmpl?: number;
    readonly minimumTcb?: SnpTcb;
  };
}

export interface NormalizedBrokerOptions {
  readonly supervisorDigests: readonly string[];
  readonly runtimeVersions: readonly string[];
  readonly nonceTtlSeconds: number;
  readonly evidenceTtlSeconds: number;
  readonly profile: SandboxProfile;
  /** The evidence tiers allowed: software, and sev-snp when configured. */
  readonly verifiers: VerifierRegistry;
}

const DIGEST = new RegExp(DIGEST_PATTERN);
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

function seconds(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`broker.${name} must be a positive integer`);
  return value;
}

function list(name: string, values: readonly string[] | undefined, pattern: RegExp): readonly string[] {
  const out = [...new Set(values ?? [])];
  const bad = out.find((v) => typeof v !== 'string' || !pattern.test(v));
  if (bad !== undefined) throw new TypeError(`broker.${name}: ${JSON.stringify(bad)} is not allowed here`);
  return Object.freeze(out);
}

/** Apply the broker's defaults; a bad option is a TypeError naming it. */
export function normalizeBrokerOptions(options: BrokerOptions): NormalizedBrokerOptions {
  return {
    supervisorDigests: list('supervisorDigests', options.supervisorDigests, DIGEST),
    runtimeVersions: list('runtimeVersions', options.runtimeVersions, VERSION),
    nonceTtlSeconds: seconds('nonceTtlSeconds', options.nonceTtlSeconds ?? 60),
    evidenceTtlSeconds: seconds('evidenceTtlSeconds', options.evidenceTtlSeconds ?? 120),
    profile: profileOf(options),
    verifiers: verifiersOf(options),
  };
}

// The software tier always; sev-snp only with allowed launch measurements (a TypeError names a bad one).
function verifiersOf(options: BrokerOptions): VerifierRegistry {
  const snp = options.sevSnp;
  if (snp === undefined || (snp.allowedMeasurements ?? []).length === 0) return defaultVerifiers;
  try {
    return defaultVerifiers.with(
      sevSnpVerifier({ ...snp, allowedMeasurements: snp.allowedMeasurements ?? [] }),
    );
  } catch (err) {
    throw new TypeError(`broker.sevSnp: ${(err as Error).message}`, { cause: err });
  }
}

// The judging profile: the one given, else sealgate's with room for `maxGpus` GPUs.
function profileOf(options: BrokerOptions): SandboxProfile {
  if (options.profile !== undefined) {
    if (options.maxGpus !== undefined) throw new TypeError('broker: give profile or maxGpus, not both');
    return options.profile;
  }
  const maxGpus = options.maxGpus ?? SEALED_MAX_GPUS;
  if (!Number.isSafeInteger(maxGpus) || maxGpus < 0)
    throw new TypeError('broker.maxGpus must be an integer >= 0');
  return sealedSandboxProfile({ maxGpus });
}
