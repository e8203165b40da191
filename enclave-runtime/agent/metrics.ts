/**
 * Egress forwarding (docs/egress-protocol.md section 3, docs/node-protocol.md
 * §4): records from the supervisor go to the gateway in batches — sent when
 * 100 have gathered or 250 ms after the first of a batch, whichever comes
 * first — one request at a time, in order. Once the gateway answers
 * `stop: true` nothing more is sent and `onStop` is called (once).
 */

/** One metric record as the gateway takes it. */
export interface MetricRecord {
  readonly metric: string;
  readonly step: number;
  readonly value: number;
}

/** Batch limits (exported for tests and docs). */
export const METRIC_BATCH_RECORDS = 100;
export const METRIC_BATCH_MS = 250;

/** One egress record as the gateway takes it (seq counts from 0 per job). */
export type EgressRecord =
  | {
      readonly seq: number;
      readonly channel: 'metrics';
      readonly metric: string;
      readonly step: number;
      readonly value: number;
    }
  | { readonly seq: number; readonly channel: 'logs'; readonly text: string }
  | { readonly seq: number; readonly channel: 'refused'; readonly reason: string; readonly bytes: number };

/** Options of {@link MetricBatcher}. */
export interface MetricBatcherOptions<R = MetricRecord> {
  /** Send one batch; the batcher waits for it before sending the next. A reply `{ stop: true }` stops it. */
  send(records: R[]): Promise<void | { readonly stop: boolean }>;
  /** The gateway said stop (the egress guard ended the run). */
  onStop?(): void;
  /** Called with a failed send's error; forwarding goes on (metrics are best effort). */
  onError(err: unknown): void;
  readonly maxRecords?: number;
  readonly maxDelayMs?: number;
}

/** Gathers records and sends them in ordered batches. */
export class MetricBatcher<R = MetricRecord> {
  #pending: R[] = [];
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  readonly #maxRecords: number;
  readonly #maxDelayMs: number;

  constructor(private readonly options: MetricBatcherOptions<R>) {
    this.#maxRecords = options.maxRecords ?? METRIC_BATCH_RECORDS;
    this.#maxDelayMs = options.maxDelayMs ?? METRIC_BATCH_MS;
  }

  /** Add a record; a full batch is sent at once, otherwise within the delay. */
  add(record: R): void {
    if (this.#stopped) return;
    this.#pending.push(record);
    if (this.#pending.length >= this.#maxRecords) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#maxDelayMs);
  }

  /** Send what is pending and wait for every batch to have been sent. */
  async close(): Promise<void> {
    this.#flush();
    await this.#chain;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#chain = this.#chain
      .then(async () => {
        if (this.#stopped) return;
        const reply = await this.options.send(batch);
        if (reply?.stop === true && !this.#stopped) {
          this.#stopped = true;
          this.#pending = [];
          this.options.onStop?.();
        }
      })
      .catch((err: unknown) => this.options.onError(err));
  }
}
