/**
 * The extension point for evidence tiers (DESIGN §2): each tier is one
 * {@link EvidenceVerifier} in its own file, and a registry keyed by tier is
 * the allowlist. Adding a TEE (AMD SEV-SNP, Intel TDX) is a new file that
 * implements this interface and one more entry in the registry.
 */
import type { Evidence, TrustLevel } from './types.js';

/** What a verifier may use besides the evidence. */
export interface SignatureContext {
  /** The node's Ed25519 public key, from its verified node certificate. */
  readonly nodePublicKey: Uint8Array;
  readonly now: Date;
}

/** Checks that a tier's signature (or TEE report) vouches for the evidence body. */
export interface EvidenceVerifier {
  /** The value of `body.tier` this verifier judges, e.g. `software`. */
  readonly tier: string;
  /** The trust class it gives: `software` or `hardware`. */
  readonly level: TrustLevel;
  /**
   * True when `evidence.signature` proves that `evidence.body` was produced
   * by this node (software) or inside a genuine TEE bound to it (hardware).
   * False for any failure; it does not throw on bad input.
   */
  verifySignature(evidence: Evidence, context: SignatureContext): boolean | Promise<boolean>;
}

/** An allowlist of evidence tiers: only a registered tier is supported. */
export class VerifierRegistry {
  private readonly byTier: ReadonlyMap<string, EvidenceVerifier>;

  constructor(verifiers: readonly EvidenceVerifier[]) {
    const byTier = new Map<string, EvidenceVerifier>();
    for (const v of verifiers) {
      if (byTier.has(v.tier)) throw new TypeError(`two verifiers for tier ${v.tier}`);
      byTier.set(v.tier, v);
    }
    this.byTier = byTier;
  }

  /** The verifier of a tier, or undefined when the tier is not allowed. */
  get(tier: string): EvidenceVerifier | undefined {
    return this.byTier.get(tier);
  }

  /** The allowed tiers. */
  tiers(): string[] {
    return [...this.byTier.keys()];
  }

  /** A new registry with one more verifier. */
  with(verifier: EvidenceVerifier): VerifierRegistry {
    return new VerifierRegistry([...this.byTier.values(), verifier]);
  }
}
