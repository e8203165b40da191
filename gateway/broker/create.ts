/** Build the gateway's KeyBroker from its normalised options (called once by buildApp). */
import type { SandboxProfile } from '../../policies/index.js';
import { seccompProfileDigest } from '../../policies/index.js';
import type { GatewayIdentity } from '../identity.js';
import type { NormalizedOptions } from '../options.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import { KeyBroker } from './broker.js';

/** What {@link createKeyBroker} needs from buildApp. */
export interface CreateKeyBrokerInput {
  readonly store: Store;
  readonly now: () => Date;
  readonly runs: RunService;
  readonly identity: GatewayIdentity;
  readonly options: NormalizedOptions;
}

/** The broker over the gateway's store, clock, runs and broker key, judging by `options.broker`. */
export function createKeyBroker(input: CreateKeyBrokerInput): KeyBroker {
  const b = input.options.broker;
  const profile: SandboxProfile = b.profile;
  return new KeyBroker({
    store: input.store,
    now: input.now,
    runs: input.runs,
    key: input.identity.broker,
    nonceTtlSeconds: b.nonceTtlSeconds,
    economics: input.options.economics, // forged evidence proposes a penalty
    standards: {
      profile,
      seccompProfileDigest: seccompProfileDigest(profile.seccomp),
      supervisorDigests: b.supervisorDigests,
      runtimeVersions: b.runtimeVersions,
      evidenceTtlSeconds: b.evidenceTtlSeconds,
      skewSeconds: input.options.skewSeconds,
      verifiers: b.verifiers,
    },
  });
}
