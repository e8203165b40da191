/**
 * The egress log of each run and inference (docs/egress-protocol.md section
 * 4 step 4): append-only entries in LevelDB, an RFC 6962 Merkle tree over
 * JCS(entry) (attest/merkle), and a head signed by the gateway when the owner
 * ends. The tree of an owner is rebuilt from its entries on first use and
 * then kept in memory (MerkleTree memoises complete subtrees), so a root or
 * an inclusion proof for any past size costs O(log n). Writes are batch ops
 * the guard commits with the change they belong to; `committed` then
 * extends the in-memory tree.
 */
import {
  MerkleTree,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  canonicalizeBytes,
  signDetached,
  verifyDetached,
} from '../../attest/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { GatewayIdentity } from '../identity.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { GuardError } from './errors.js';
import type { EgressBody, EgressEntry, EgressHead, EgressState, SignedEgressHead } from './records.js';
import {
  EGRESS_BODIES_SUBLEVEL,
  EGRESS_ENTRIES_SUBLEVEL,
  EGRESS_HEADS_SUBLEVEL,
  EGRESS_HEAD_LABEL,
  EGRESS_STATE_SUBLEVEL,
  entryKey,
} from './records.js';

/** `sha256:` of JCS(value). */
export function jcsDigest(value: unknown): string {
  return `sha256:${bytesToHex(sha256(canonicalizeBytes(value)))}`;
}

/** The leaf data of an entry: JCS(entry) (RFC 6962 hashes it with the 0x00 prefix). */
export function leafData(entry: EgressEntry): Uint8Array {
  return canonicalizeBytes(entry);
}

/** An inclusion proof as the report carries it: hashes in standard base64, leaf first. */
export interface EgressProof {
  readonly index: number;
  readonly size: number;
  readonly path: string[];
}

/** True when `signed` is a head signed by `publicKey` (the gateway's). */
export function verifyEgressHead(signed: SignedEgressHead, publicKey: Uint8Array): boolean {
  const signature = base64ToBytes(signed.signature);
  return (
    signature !== undefined &&
    verifyDetached(EGRESS_HEAD_LABEL, canonicalizeBytes(signed.head), signature, publicKey)
  );
}

/** The logs of every owner over the gateway's store. */
export class EgressLog {
  readonly #trees = new Map<string, Promise<MerkleTree>>();

  constructor(
    private readonly store: Store,
    private readonly identity: GatewayIdentity,
  ) {}

  /** The owner's totals, or undefined before its first record. */
  state(owner: string): Promise<EgressState | undefined> {
    return this.store.get<EgressState>(this.store.sublevel(EGRESS_STATE_SUBLEVEL), owner);
  }

  /** The owner's tree (every committed entry). */
  tree(owner: string): Promise<MerkleTree> {
    let tree = this.#trees.get(owner);
    if (!tree) {
      tree = this.#rebuild(owner);
      this.#trees.set(owner, tree);
      tree.catch(() => this.#trees.delete(owner));
    }
    return tree;
  }

  /** The ops that append `entries` (with the bodies of the released ones) and store `state`. */
  appendOps(
    state: EgressState,
    entries: readonly EgressEntry[],
    bodies: ReadonlyMap<number, EgressBody>,
  ): BatchOp[] {
    const ops: BatchOp[] = [put(this.store.sublevel(EGRESS_STATE_SUBLEVEL), state.owner, state)];
    for (const entry of entries) {
      ops.push(put(this.store.sublevel(EGRESS_ENTRIES_SUBLEVEL), entryKey(state.owner, entry.seq), entry));
      const body = bodies.get(entry.seq);
      if (body)
        ops.push(put(this.store.sublevel(EGRESS_BODIES_SUBLEVEL), entryKey(state.owner, entry.seq), body));
    }
    return ops;
  }

  /** After the batch of `appendOps` is written: extend the in-memory tree. */
  async committed(owner: string, entries: readonly EgressEntry[]): Promise<void> {
    const tree = await this.tree(owner);
    for (const entry of entries) {
      if (entry.seq === tree.size) tree.append(leafData(entry));
    }
  }

  /** The owner's entries with from ≤ seq < to, in order. */
  async entries(owner: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<EgressEntry[]> {
    const sub = this.store.sublevel(EGRESS_ENTRIES_SUBLEVEL);
    const gte = entryKey(owner, Math.max(0, from));
    const lt = to >= 1e10 ? `${owner}/~` : entryKey(owner, to);
    return (await sub.values({ gte, lt }).all()) as EgressEntry[];
  }

  /** The bodies of the released records, by seq (what a fresh re-scan reads). */
  async bodies(owner: string): Promise<{ seq: number; body: EgressBody }[]> {
    const sub = this.store.sublevel(EGRESS_BODIES_SUBLEVEL);
    const out: { seq: number; body: EgressBody }[] = [];
    for await (const [key, value] of sub.iterator({ gt: `${owner}/`, lt: `${owner}/~` })) {
      out.push({ seq: Number(key.slice(owner.length + 1)), body: value as EgressBody });
    }
    return out;
  }

  /** The inclusion proof of entry `seq` in the tree of `size` entries (default: the whole log). */
  async proof(owner: string, seq: number, size?: number): Promise<EgressProof> {
    const tree = await this.tree(owner);
    const n = size ?? tree.size;
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= n || n > tree.size) {
      throw new GuardError('GUARD_ENTRY_NOT_FOUND', `no entry ${seq} in a log of ${n}`);
    }
    return { index: seq, size: n, path: tree.inclusionProof(seq, n).map((h) => bytesToBase64(h)) };
  }

  /** The owner's signed head, or undefined while it is open. */
  head(owner: string): Promise<SignedEgressHead | undefined> {
    return this.store.get<SignedEgressHead>(this.store.sublevel(EGRESS_HEADS_SUBLEVEL), owner);
  }

  /**
   * Close the owner's log: sign and store its head (once; a second close
   * returns the first head). An owner that sent nothing gets an empty head.
   * Call it with the store's lock held.
   */
  async closeLocked(owner: string, at: string): Promise<SignedEgressHead> {
    const existing = await this.head(owner);
    if (existing) return existing;
    const state = await this.state(owner);
    const tree = await this.tree(owner);
    const head: EgressHead = {
      owner,
      size: tree.size,
      root: bytesToBase64(tree.root()),
      bytes: state?.bytes ?? 0,
      flagged: state?.flagged ?? 0,
      closedAt: at,
    };
    const { gateway } = this.identity;
    const signature = signDetached(EGRESS_HEAD_LABEL, canonicalizeBytes(head), gateway.keyPair.secretKey);
    const signed: SignedEgressHead = { head, signature: bytesToBase64(signature), keyId: gateway.keyId };
    await this.store.write([put(this.store.sublevel(EGRESS_HEADS_SUBLEVEL), owner, signed)]);
    return signed;
  }

  async #rebuild(owner: string): Promise<MerkleTree> {
    const tree = new MerkleTree();
    for (const entry of await this.entries(owner)) tree.append(leafData(entry));
    return tree;
  }
}
