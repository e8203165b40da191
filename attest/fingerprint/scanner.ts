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
import type { EgressPiece, Finding, FingerprintDecoder, ScanParameters } from './types.js';

type TextDecoderName = 'base64' | 'hex' | 'url';
const TEXT_DECODERS: Record<TextDecoderName, (text: string) => string[]> = {
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
      for (const text of TEXT_DECODERS[d.name](piece.text)) {
        const dn = this.nf.set(text);
        d.stream.append(dn.units, dn.bounds, dn.length, piece.seq, out);
        d.near.append(dn.units, dn.bounds, dn.length, piece.seq, out);
      }
    }
    return out;
  }

  /** The end of the stream: score the last near-match windows. */
  end(): Finding[] {
    const out: Finding[] = [];
    this.plainNear.flush(out);
    for (const d of this.decoded) d.near.flush(out);
    return out;
  }
}
