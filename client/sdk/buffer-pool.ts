/**
 * Reused chunk buffers for the envelope's file path (docs/envelope.md): a
 * fresh 1 MiB buffer per read and per output chunk costs page faults, zeroing
 * and unmapping on every chunk; a handful of buffers recycled end to end costs
 * none of that after the first pass.
 *
 * Ownership is explicit: whoever `take`s a buffer owns it until it `give`s it
 * back, and gives it back only when nothing reads or writes it any more. The
 * pool never blocks: when every buffer is out it allocates one more, and it
 * keeps at most `keep` idle buffers, so a miscount costs memory for a moment,
 * never a deadlock. Back-pressure comes from the envelope's in-flight window,
 * not from the pool.
 */
export class BufferPool {
  readonly #idle: Buffer[] = [];
  /** The backing stores this pool made, so foreign buffers are never adopted. */
  readonly #mine = new WeakSet<ArrayBufferLike>();

  /**
   * @param size - bytes per buffer
   * @param keep - idle buffers kept for reuse; more are left to the collector
   */
  constructor(
    readonly size: number,
    readonly keep: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be a positive integer');
    if (!Number.isInteger(keep) || keep < 1) throw new TypeError('keep must be a positive integer');
  }

  /** A buffer of `size` bytes (contents undefined), idle or new; the caller owns it. */
  take(): Buffer {
    const reused = this.#idle.pop();
    if (reused !== undefined) return reused;
    // Outside Node's 8 KiB slab pool: one backing store per buffer, ours alone.
    const fresh = Buffer.allocUnsafeSlow(this.size);
    this.#mine.add(fresh.buffer);
    return fresh;
  }

  /**
   * Hand back a buffer from `take` (or any view of one) once nothing uses it.
   * Views of other memory are ignored, so a caller may give back whatever it
   * wrote without knowing where it came from.
   */
  give(view: Uint8Array): void {
    if (!this.#mine.has(view.buffer) || this.#idle.length >= this.keep) return;
    if (this.#idle.some((b) => b.buffer === view.buffer))
      throw new TypeError('a buffer was given back twice');
    this.#idle.push(Buffer.from(view.buffer, 0, this.size));
  }

  /** Idle buffers, for tests. */
  get idle(): number {
    return this.#idle.length;
  }
}
