/**
 * A stand-in for attest/fingerprint's Scanner (docs/egress-protocol.md section
 * 1) for the guard's tests, written here because the real one was built in
 * parallel: it keeps the normal form of the stream (NFKC, lower case, letters
 * and digits only) with the seq of each character, and reports a pattern that
 * ends in the newest piece with every seq it spans. Patterns are plaintext
 * here (the real index holds keyed hashes); the token is SHA-256 of the
 * pattern, hex. Values: synthetic.
 */
import { createHash } from 'node:crypto';
import type { EgressPiece, EgressScanner, Finding, ScannerSource } from '../../../gateway/index.js';

export interface FakePattern {
  readonly text: string;
  readonly rule: 'exact' | 'canary' | 'near';
  readonly jaccard?: number;
}

const normal = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** The token the fake scanner gives `pattern`. */
export function fakeToken(pattern: string): string {
  return createHash('sha256').update(normal(pattern)).digest('hex');
}

export class FakeScanner implements EgressScanner {
  #text = '';
  #seqs: number[] = [];

  constructor(private readonly patterns: readonly FakePattern[]) {}

  push(piece: EgressPiece): Finding[] {
    if (piece.kind !== 'text') return [];
    const added = normal(piece.text);
    const start = this.#text.length;
    this.#text += added;
    for (let i = 0; i < added.length; i++) this.#seqs.push(piece.seq);
    const found: Finding[] = [];
    for (const p of this.patterns) {
      const n = normal(p.text);
      const at = this.#text.indexOf(n, Math.max(0, start - n.length + 1));
      if (at < 0 || at + n.length <= start) continue;
      found.push({
        rule: p.rule,
        seqs: [...new Set(this.#seqs.slice(at, at + n.length))],
        token: fakeToken(p.text),
        decoder: 'plain',
        ...(p.jaccard === undefined ? {} : { jaccard: p.jaccard }),
      });
    }
    return found;
  }

  end(): Finding[] {
    return [];
  }
}

/** A scanner source that gives every dataset a fake scanner over `patterns`. */
export function fakeScanners(patterns: readonly FakePattern[]): ScannerSource {
  return () => Promise.resolve(new FakeScanner(patterns));
}
