/**
 * Streaming plumbing for the envelope: exact-length reads from an async
 * iterable of byte pieces, and an ordered window of operations in flight.
 * Together they give constant memory with back-pressure: nothing is pulled
 * from the source until the consumer asks for more output and the window has
 * room.
 */

/**
 * Reads exact byte counts from an async iterable of pieces of any size. A read
 * that falls inside one piece is a zero-copy view of it, so a source must not
 * reuse a buffer it has yielded (Node and web streams never do) until every
 * chunk read from it has come out of the envelope (the file reader in client/
 * gives a piece back to its pool only then).
 */
export class ByteReader {
  readonly #it: AsyncIterator<Uint8Array>;
  readonly #pieces: Uint8Array[] = [];
  #buffered = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  async #pull(): Promise<boolean> {
    if (this.#done) return false;
    const r = await this.#it.next();
    if (r.done === true) {
      this.#done = true;
      return false;
    }
    const piece: unknown = r.value;
    if (!(piece instanceof Uint8Array)) throw new TypeError('an envelope source yields Uint8Array pieces');
    if (piece.length > 0) {
      this.#pieces.push(piece);
      this.#buffered += piece.length;
    }
    return true;
  }

  /** The next `n` bytes, or fewer when the source ends first. */
  async read(n: number): Promise<Uint8Array<ArrayBuffer>> {
    while (this.#buffered < n && (await this.#pull()));
    const take = Math.min(n, this.#buffered);
    const first = this.#pieces[0];
    if (first !== undefined && first.length >= take && first.buffer instanceof ArrayBuffer) {
      const view = first.subarray(0, take) as Uint8Array<ArrayBuffer>;
      this.#consume(first, take);
      return view;
    }
    const out = new Uint8Array(take);
    let offset = 0;
    while (offset < take) {
      const piece = this.#pieces[0];
      const part = Math.min(piece.length, take - offset);
      out.set(piece.subarray(0, part), offset);
      offset += part;
      this.#consume(piece, part);
    }
    return out;
  }

  #consume(piece: Uint8Array, n: number): void {
    this.#buffered -= n;
    if (n === piece.length) this.#pieces.shift();
    else this.#pieces[0] = piece.subarray(n);
  }

  /** True when the source has no bytes left (pulls at most until one byte shows up). */
  async atEnd(): Promise<boolean> {
    while (this.#buffered === 0 && (await this.#pull()));
    return this.#buffered === 0;
  }

  /** Stop reading: lets the source release its resources (closes a file stream). */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#it.return?.();
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Operations started in order and collected in order. A failure is held until
 * its turn comes, so an earlier result or failure always surfaces first and no
 * rejection is ever left unhandled when the caller stops early.
 */
export class InFlight<T> {
  readonly #queue: Promise<Settled<T>>[] = [];

  get size(): number {
    return this.#queue.length;
  }

  push(op: Promise<T>): void {
    this.#queue.push(
      op.then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      ),
    );
  }

  /** The oldest operation's result; throws its error if it failed. */
  async shift(): Promise<T> {
    const head = this.#queue.shift();
    if (head === undefined) throw new TypeError('no operation in flight');
    const settled = await head;
    if (!settled.ok) throw settled.error;
    return settled.value;
  }
}
