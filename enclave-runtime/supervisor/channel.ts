/**
 * The supervisor's side of the stdio channel (docs/node-protocol.md section 5):
 * one JSON message a line out, honouring back-pressure, and the agent's first
 * line in, with a length cap.
 */
import type { Readable, Writable } from 'node:stream';
import { SupervisorError } from './errors.js';
import { LineSplitter } from './lines.js';
import type { SupervisorMessage } from './protocol.js';

/** Writes messages to `out` in order, waiting for `drain` when its buffer is full. */
export class MessageWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly out: Writable) {}

  /** Queues `message`; resolves once it is handed to the stream. */
  send(message: SupervisorMessage): Promise<void> {
    const line = `${JSON.stringify(message)}\n`;
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.out.destroyed) return reject(new Error('the agent channel is closed'));
          if (this.out.write(line)) return resolve();
          const onDrain = () => {
            this.out.off('error', onError);
            resolve();
          };
          const onError = (err: Error) => {
            this.out.off('drain', onDrain);
            reject(err);
          };
          this.out.once('drain', onDrain);
          this.out.once('error', onError);
        }),
    );
    return this.chain;
  }
}

/**
 * Reads the first line of `input` (at most `maxBytes`); throws
 * `SUPERVISOR_PROTOCOL` when the stream ends first or the line is longer.
 * Stops reading after it: later input is not consumed.
 */
export async function readFirstLine(input: Readable, maxBytes: number): Promise<string> {
  const lines = new LineSplitter(maxBytes);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const [first] = lines.push(chunk);
    if (first === undefined) continue;
    if (first.overlong === true) throw new SupervisorError('SUPERVISOR_PROTOCOL', `the run message is longer than ${maxBytes} bytes`);
    return first.text;
  }
  throw new SupervisorError('SUPERVISOR_PROTOCOL', 'stdin ended before the run message');
}
