/**
 * The streaming scanner (docs/egress-protocol.md section 1): one per run,
 * fed the run's egress pieces in order. Text runs through the plain stream
 * (with reversed lookups) and, when a decoder finds something, through that
 * decoder's own stream; integer values 0 or more feed the digit stream.
 */
import { base64Texts, hexTexts, urlTexts } from './decoders.js';
import { FingerprintError } from './errors.js';
import type { FingerprintIndex } from './fingerprint-index.js';
import { MatchStream } from './match-stream.js';
import { NearWindow } from './near.js';
import { NormalBuffer } from './normal.js';
import type { EgressPiece, Finding, FingerprintDecoder, PendingMatch, ScanParameters } from './types.js';

type TextDecoderName = 'base64' | 'hex' | 'url';
const TEXT_DECODERS: Record<TextDecoderName, (text: string) => readonly string[]> = {
  base64: base64Texts,
  hex: hexTexts,
  url: urlTexts,
};

/** Scans one run's egress stream against a fingerprint index. */
export class Scanner {
  private readonly plain: MatchStream;
  private readonly plainNear: NearWindow;
  private readonly decoded: { name: TextDecoderName; stream: MatchStream; near: NearWindow }[] = [];
  private readonly digits: MatchStream | undefined;
  private readonly nf = new NormalBuffer();
  private readonly digitUnits = new Uint16Array(32);
  private readonly digitBounds = new Uint8Array(32);
  private ended = false;

  constructor(
    index: FingerprintIndex,
    scan: Omit<ScanParameters, 'decoders'> & { readonly decoders: readonly FingerprintDecoder[] },
  ) {
    const p = index.header.params;
    if (
      scan.shingleUnit !== p.shingleUnit ||
      scan.shingleSize !== p.shingleSize ||
      scan.hashFunctions !== p.hashFunctions ||
      scan.lshBands !== p.lshBands
    ) {
      throw new FingerprintError('FINGERPRINT_BAD_PARAMETERS', 'the scan parameters differ from the index');
    }
    const on = new Set(scan.decoders);
    this.plain = new MatchStream(index, 'plain', on.has('reversed'));
    this.plainNear = new NearWindow(index, scan.flagJaccard, 'plain');
    for (const name of ['base64', 'hex', 'url'] as const) {
      if (on.has(name)) {
        this.decoded.push({
          name,
          stream: new MatchStream(index, name, false),
          near: new NearWindow(index, scan.flagJaccard, name),
        });
      }
    }
    this.digits = on.has('digits') ? new MatchStream(index, 'digits', false) : undefined;
  }

  /** Scan the next piece; the findings that end in it, in stream order. */
  push(piece: EgressPiece): Finding[] {
    const out: Finding[] = [];
    if (piece.kind === 'number') {
      const v = piece.value;
      if (this.digits === undefined) return out;
      if (Number.isSafeInteger(v) && v >= 0) {
        // The decimal digits as one token (no boundary inside).
        const text = String(v);
        for (let i = 0; i < text.length; i++) this.digitUnits[i] = text.charCodeAt(i);
        this.digits.append(this.digitUnits, this.digitBounds, text.length, piece.seq, out);
      } else {
        this.digits.reset();
      }
      return out;
    }
    const nf = this.nf.set(piece.text);
    this.plain.append(nf.units, nf.bounds, nf.length, piece.seq, out);
    this.plainNear.append(nf.units, nf.bounds, nf.length, piece.seq, out);
    for (const d of this.decoded) {
      const texts = TEXT_DECODERS[d.name](piece.text);
      // A decoded stream grows only on pieces with an encoded run: its open matches are held only
      // while consecutive text pieces carry one (else an honest run could be held for good).
      if (texts.length === 0) d.stream.forgetOpen();
      for (const text of texts) {
        const dn = this.nf.set(text);
        d.stream.append(dn.units, dn.bounds, dn.length, piece.seq, out);
        d.near.append(dn.units, dn.bounds, dn.length, piece.seq, out);
      }
    }
    return out;
  }

  /**
   * The matches still open after the pieces pushed so far: the earliest seq
   * that a later piece could still join into an exact or canary match, or
   * undefined when none can. The guard holds back every record from that seq
   * on until the match completes (a finding) or fails (docs/guard.md,
   * "Holding back a partial match"). Keyed anchor tags only: each token
   * boundary's tag is looked up once, when it has `anchor` characters after it.
   *
   * - plain text and the digit stream: a token that starts fewer than
   *   `anchor` (6) normal-form characters before the end is open whatever it
   *   is (no tag can be looked up yet), so a digit run stays held until six
   *   more digits follow or a non-integer value ends it;
   * - a start whose tag is a pattern's anchor is open until the stream has
   *   gone past the longest pattern under that tag (`anchoredFrom`);
   * - decoded streams (base64, hex, url) count anchored starts only, and
   *   only while consecutive text pieces carry an encoded run: they grow
   *   only on such pieces, so an open match there could be held forever.
   */
  pending(): PendingMatch | undefined {
    if (this.ended) return undefined;
    let from: number | undefined;
    let anchoredFrom: number | undefined;
    // No closure per call: this runs after every record.
    for (let i = -1; i <= this.decoded.length; i++) {
      const p =
        i < 0
          ? this.plain.pending(true)
          : i < this.decoded.length
            ? this.decoded[i].stream.pending(false)
            : this.digits?.pending(true);
      if (p === undefined) continue;
      if (from === undefined || p.from < from) from = p.from;
      if (p.anchoredFrom !== undefined && (anchoredFrom === undefined || p.anchoredFrom < anchoredFrom))
        anchoredFrom = p.anchoredFrom;
    }
    if (from === undefined) return undefined;
    return anchoredFrom === undefined ? { from } : { from, anchoredFrom };
  }

  /** The end of the stream: score the last near-match windows; nothing is pending after it. */
  end(): Finding[] {
    this.ended = true;
    const out: Finding[] = [];
    this.plainNear.flush(out);
    for (const d of this.decoded) d.near.flush(out);
    return out;
  }
}
