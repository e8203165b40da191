/**
 * A FIFO mutual-exclusion lock for one process. The gateway serialises every
 * state change through one (see Store.exclusive), so a check ("is this run
 * still queued?") and the batch that acts on it cannot interleave with another
 * request's.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  /** True while some caller holds the lock. */
  get locked(): boolean {
    return this.held;
  }

  /** Run `fn` alone; later callers wait their turn, in order. The lock is not reentrant. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
      release();
    }
  }
}
