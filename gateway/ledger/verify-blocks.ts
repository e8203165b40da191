/**
 * Checking blocks against the entries they seal, while the entries stream
 * by: each block must follow the previous one (height, seq range, prevHash),
 * its Merkle root must be the RFC 6962 root over the sealed entries' hashes,
 * its hash must be recomputable and its Ed25519 signature valid under the
 * gateway's public key.
 */
import { constantTimeEqualText } from '../../attest/index.js';
import { blockBody, blockHash, blockSignatureValid, entriesRoot, parseBlock } from './codec.js';
import { LedgerError } from './errors.js';
import type { Problems } from './problems.js';
import type { LedgerBlock } from './types.js';
import { GENESIS_HASH } from './types.js';

const UNKNOWN_HASH = new Uint8Array(32);

/** The block chain's state during a replay. */
export class BlockReplay {
  count = 0;
  /** The last seq sealed by a valid-looking block. */
  sealedSeq = 0;
  #height = 0;
  #prevHash: string | undefined = GENESIS_HASH;
  /** Hashes of the entries after the last block, with their seqs. */
  #unsealed: { seq: number; hash: Uint8Array }[] = [];
  #next: LedgerBlock | undefined;
  #done = false;

  constructor(
    private readonly blocks: AsyncIterator<unknown>,
    private readonly publicKey: Uint8Array,
    private readonly problems: Problems,
  ) {}

  /** Note an entry's hash (zeros when the entry did not parse). */
  entry(seq: number, hash: Uint8Array | undefined): void {
    this.#unsealed.push({ seq, hash: hash ?? UNKNOWN_HASH });
  }

  /** Check every block that seals nothing after `lastSeq`. */
  async drain(lastSeq: number): Promise<void> {
    for (;;) {
      const block = await this.#peek();
      if (block === undefined || block.lastSeq > lastSeq) return;
      this.#next = undefined;
      this.#check(block);
    }
  }

  /** After the last entry: any block left seals entries that do not exist. */
  async finish(lastSeq: number): Promise<void> {
    await this.drain(lastSeq);
    for (let block = await this.#peek(); block; block = await this.#peek()) {
      this.#next = undefined;
      this.count += 1;
      this.problems.add('LEDGER_BLOCK_GAP', `block seals up to seq ${block.lastSeq}, past the last entry`, {
        height: block.height,
      });
    }
  }

  /** The first block ahead of the entries, skipping (and reporting) malformed ones. */
  async #peek(): Promise<LedgerBlock | undefined> {
    while (this.#next === undefined && !this.#done) {
      const step = await this.blocks.next();
      if (step.done === true) {
        this.#done = true;
        break;
      }
      const value: unknown = step.value;
      try {
        this.#next = parseBlock(value);
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        this.count += 1;
        this.#height += 1;
        this.#prevHash = undefined;
        this.problems.add('LEDGER_BLOCK_MALFORMED', err.message, { height: this.#height });
      }
    }
    return this.#next;
  }

  #check(block: LedgerBlock): void {
    this.count += 1;
    const where = { height: block.height };
    if (block.height !== this.#height + 1 || block.firstSeq !== this.sealedSeq + 1) {
      this.problems.add(
        'LEDGER_BLOCK_GAP',
        `block ${block.height} seals from seq ${block.firstSeq}; expected block ${this.#height + 1} from ${this.sealedSeq + 1}`,
        where,
      );
    }
    const sealed = this.#unsealed.filter((e) => e.seq <= block.lastSeq);
    this.#unsealed = this.#unsealed.filter((e) => e.seq > block.lastSeq);
    if (!constantTimeEqualText(entriesRoot(sealed.map((e) => e.hash)), block.entriesRoot)) {
      this.problems.add('LEDGER_BAD_MERKLE_ROOT', 'entriesRoot is not the root of the sealed entries', where);
    }
    if (this.#prevHash !== undefined && !constantTimeEqualText(this.#prevHash, block.prevHash)) {
      this.problems.add('LEDGER_BLOCK_CHAIN_BROKEN', 'prevHash is not the previous block hash', where);
    }
    const body = blockBody(block);
    if (!constantTimeEqualText(blockHash(body), block.hash)) {
      this.problems.add('LEDGER_BLOCK_HASH_MISMATCH', 'the stored hash is not the hash of the block', where);
    }
    if (!blockSignatureValid(body, block.signature, this.publicKey)) {
      this.problems.add(
        'LEDGER_BAD_BLOCK_SIGNATURE',
        'the signature does not verify under the gateway key',
        where,
      );
    }
    this.#height = block.height;
    this.#prevHash = block.hash;
    this.sealedSeq = block.lastSeq;
  }
}
