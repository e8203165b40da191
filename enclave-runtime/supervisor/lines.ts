/**
 * Splitting a byte stream into lines with a length cap, for the agent's
 * messages on stdin and the model's stdout. Bytes are split on `\n` before any
 * decoding, so a multi-byte character or a line split across reads is whole;
 * a line longer than the cap is discarded as it streams (never buffered past
 * the cap) and reported once as overlong.
 */

/** One line out of the splitter: its text, or `overlong` when it passed the cap. */
export type Line = { readonly text: string; readonly overlong?: false } | { readonly overlong: true };

/** Splits chunks into lines of at most `maxBytes` bytes (the `\n` excluded). */
export class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError('maxBytes must be a positive integer');
  }

  /** Feeds one chunk; returns the lines it completed. */
  push(chunk: Uint8Array): Line[] {
    const out: Line[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      this.append(chunk.subarray(start, end));
      if (nl === -1) break;
      out.push(this.take());
      start = nl + 1;
    }
    return out;
  }

  /** At end of stream: the last line when it had no `\n`, else nothing. */
  end(): Line[] {
    return this.length > 0 || this.skipping ? [this.take()] : [];
  }

  private append(piece: Uint8Array): void {
    if (piece.length === 0 || this.skipping) return;
    if (this.length + piece.length > this.maxBytes) {
      this.skipping = true;
      this.parts = [];
      this.length = 0;
      return;
    }
    this.parts.push(Buffer.from(piece));
    this.length += piece.length;
  }

  private take(): Line {
    const line: Line = this.skipping
      ? { overlong: true }
      : { text: this.decoder.decode(Buffer.concat(this.parts, this.length)) };
    this.parts = [];
    this.length = 0;
    this.skipping = false;
    return line;
  }
}
