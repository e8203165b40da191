/**
 * SHA-256 of uploads on a worker thread (hash-worker.ts), with flow control:
 * an upload copies its chunks into batches of {@link BATCH} bytes and may
 * have at most {@link BATCHES} of them with the thread at once, so memory
 * stays bounded however far the network runs ahead of the hashing.
 */
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hash-worker.js';

/** A running SHA-256 of one upload. */
export interface Hasher {
  /** Add `chunk`; resolves once the hasher has room for more. */
  update(chunk: Uint8Array): Promise<void>;
  /** The 32-byte digest of everything added; the hasher is then spent. */
  digest(): Promise<Uint8Array>;
  /** Give up (the upload failed): frees the hasher's state. */
  abort(): void;
}

const BATCH = 1024 * 1024;
const BATCHES = 4;

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
}

/** One hashing thread shared by every upload of a store, started on first use. */
export class HashPool {
  private worker: Worker | undefined;
  private nextId = 1;
  private closed = false;
  private readonly active = new Map<number, PooledHasher>();

  /** A hasher for a new upload. */
  begin(): Hasher {
    if (this.closed) throw new Error('the blob store is closed');
    const worker = this.worker ?? this.start();
    const hasher = new PooledHasher(
      this.nextId++,
      (m, transfer) => worker.postMessage(m, transfer),
      (id) => this.end(id),
    );
    if (this.active.size === 0) worker.ref();
    this.active.set(hasher.id, hasher);
    return hasher;
  }

  /** Stop the thread for good; uploads still hashing fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the blob store is closed'));
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(new URL('./hash-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (m: HashReply) => this.active.get(m.id)?.receive(m));
    const lost = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the hashing thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private end(id: number): void {
    this.active.delete(id);
    if (this.active.size === 0) this.worker?.unref();
  }

  private failAll(err: Error): void {
    for (const hasher of [...this.active.values()]) hasher.fail(err);
  }
}

/** One upload's side of the pool: batching, the buffer ring, and the final digest. */
class PooledHasher implements Hasher {
  private readonly free: ArrayBuffer[] = [];
  private allocated = 0;
  private batch: Uint8Array | undefined;
  private filled = 0;
  private waitingForBuffer: Waiter<ArrayBuffer> | undefined;
  private waitingForDigest: Waiter<Uint8Array> | undefined;
  private failed: Error | undefined;

  constructor(
    readonly id: number,
    private readonly post: (m: HashRequest, transfer?: ArrayBuffer[]) => void,
    private readonly done: (id: number) => void,
  ) {}

  async update(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.length;) {
      this.batch ??= new Uint8Array(await this.buffer());
      const n = Math.min(chunk.length - offset, this.batch.length - this.filled);
      this.batch.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.batch.length) this.flush();
    }
  }

  digest(): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.filled > 0) this.flush();
    this.post({ op: 'digest', id: this.id });
    return new Promise((resolve, reject) => (this.waitingForDigest = { resolve, reject }));
  }

  abort(): void {
    this.post({ op: 'drop', id: this.id });
    this.fail(new Error('the upload was abandoned'));
  }

  receive(m: HashReply): void {
    if (m.op === 'ack') {
      const waiter = this.waitingForBuffer;
      this.waitingForBuffer = undefined;
      if (waiter) waiter.resolve(m.buffer);
      else this.free.push(m.buffer);
    } else {
      this.done(this.id);
      this.waitingForDigest?.resolve(m.digest);
    }
  }

  fail(err: Error): void {
    this.failed ??= err;
    this.done(this.id);
    this.waitingForBuffer?.reject(err);
    this.waitingForDigest?.reject(err);
    this.waitingForBuffer = this.waitingForDigest = undefined;
  }

  private buffer(): ArrayBuffer | Promise<ArrayBuffer> {
    if (this.failed) throw this.failed;
    const ready = this.free.pop();
    if (ready) return ready;
    if (this.allocated < BATCHES) {
      this.allocated++;
      return new ArrayBuffer(BATCH);
    }
    return new Promise((resolve, reject) => (this.waitingForBuffer = { resolve, reject }));
  }

  private flush(): void {
    const batch = this.batch!;
    this.post({ op: 'update', id: this.id, buffer: batch.buffer as ArrayBuffer, length: this.filled }, [
      batch.buffer as ArrayBuffer,
    ]);
    this.batch = undefined;
    this.filled = 0;
  }
}
