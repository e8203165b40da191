/**
 * Sealing entries into blocks: each block covers the entries committed since
 * the previous one, commits to their hashes with an RFC 6962 Merkle root
 * (attest MerkleTree), links to the previous block's hash, and carries the
 * gateway's Ed25519 signature (attest signDetached, domain-separated).
 */
import { bytesToBase64, canonicalizeBytes, signDetached } from '../../attest/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { blockHash, entriesRoot, hashBytes, parseBlock, parseEntry } from './codec.js';
import type { BlockBody } from './codec.js';
import type { LedgerSublevels } from './storage.js';
import { lastValue, orderKey } from './storage.js';
import type { LedgerBlock, LedgerOptions } from './types.js';
import { BLOCK_SIGNATURE_LABEL, GENESIS_HASH } from './types.js';

/** The block chain's head and the hashes of the entries not yet sealed. */
export class BlockSealer {
  #height: number;
  #lastHash: string;
  #sealedSeq: number;
  #pending: Uint8Array[];

  private constructor(
    private readonly store: Store,
    private readonly subs: LedgerSublevels,
    private readonly options: LedgerOptions,
    head: LedgerBlock | undefined,
    pending: Uint8Array[],
  ) {
    this.#height = head?.height ?? 0;
    this.#lastHash = head?.hash ?? GENESIS_HASH;
    this.#sealedSeq = head?.lastSeq ?? 0;
    this.#pending = pending;
  }

  /** Load the last block and the hashes of every entry after it. */
  static async load(store: Store, subs: LedgerSublevels, options: LedgerOptions): Promise<BlockSealer> {
    const raw = await lastValue(subs.blocks);
    const head = raw === undefined ? undefined : parseBlock(raw);
    const pending: Uint8Array[] = [];
    for await (const value of subs.entries.values({ gt: orderKey(head?.lastSeq ?? 0) })) {
      pending.push(hashBytes(parseEntry(value).hash));
    }
    return new BlockSealer(store, subs, options, head, pending);
  }

  /** The height of the last sealed block (0 when none). */
  get height(): number {
    return this.#height;
  }

  /** The last seq sealed into a block (0 when none). */
  get sealedSeq(): number {
    return this.#sealedSeq;
  }

  /** Note the hash of a newly committed entry. */
  pending(hash: Uint8Array): void {
    this.#pending.push(hash);
  }

  /** Seal the pending entries, which end at `lastSeq`, into a signed block and store it with `extraOps`. */
  async seal(lastSeq: number, extraOps: BatchOp[] = []): Promise<LedgerBlock> {
    const body: BlockBody = {
      height: this.#height + 1,
      firstSeq: this.#sealedSeq + 1,
      lastSeq,
      count: this.#pending.length,
      entriesRoot: entriesRoot(this.#pending),
      prevHash: this.#lastHash,
      time: this.options.now().toISOString(),
      keyId: this.options.signerKeyId,
    };
    const signature = signDetached(
      BLOCK_SIGNATURE_LABEL,
      canonicalizeBytes(body),
      this.options.signer.secretKey,
    );
    const block: LedgerBlock = { ...body, signature: bytesToBase64(signature), hash: blockHash(body) };
    await this.store.write([put(this.subs.blocks, orderKey(block.height), block), ...extraOps]);
    this.#height = block.height;
    this.#lastHash = block.hash;
    this.#sealedSeq = lastSeq;
    this.#pending = [];
    return block;
  }

  /** Every stored block, in order. */
  async *blocks(): AsyncIterable<LedgerBlock> {
    for await (const raw of this.subs.blocks.values()) yield parseBlock(raw);
  }
}
