/**
 * One sealed container's conversation, from `hello` to `exit`
 * (docs/node-protocol.md §3–§5): hello, the key release over the container's
 * own inspect document (key-release.ts), the `run` line, then the
 * supervisor's messages as they come: egress records (metrics, logs, refused
 * notices: docs/egress-protocol.md section 3), answers and the sealed output.
 * The job (job.ts) owns the directory, the container and cleanup.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStdio, SealedContainer } from '../docker/types.js';
import type { SupervisorMessage } from '../supervisor/protocol.js';
import { OutputFile } from './blob-files.js';
import { AgentError } from './errors.js';
import type { Job } from './job-schema.js';
import type { ReleaseContext } from './key-release.js';
import { releaseKey } from './key-release.js';
import { jsonLines, runLine } from './messages.js';
import type { EgressRecord } from './metrics.js';
import { MetricBatcher } from './metrics.js';
import type { JobEvent } from './types.js';

/** What a session needs from the agent. */
export interface SessionContext extends ReleaseContext {
  readonly maxOutputBytes: number;
  emit(kind: JobEvent['kind']): void;
  warn(message: string, err: unknown): void;
  /** issue 5: the gateway's egress guard stopped the run (it has already ended there). */
  egressStopped?(): void;
}

/** What the supervisor said by the time its stdout ended. */
export interface SessionResult {
  exit?: Extract<SupervisorMessage, { t: 'exit' }>;
  error?: Extract<SupervisorMessage, { t: 'error' }>;
  output?: { digest: string; size: number; wrappedKey: string; keyId: string };
  answers: unknown[];
}

type Messages = AsyncIterator<SupervisorMessage>;

/** Drive the supervisor of a started container until its stdout ends. */
export async function runSession(
  ctx: SessionContext,
  job: Job,
  container: SealedContainer,
  stdio: ContainerStdio,
  dir: string,
): Promise<SessionResult> {
  const messages = jsonLines(stdio.stdout)[Symbol.asyncIterator]();
  // The started container's inspect document (the evidence's measurement) does not depend on
  // the supervisor: it is read while the supervisor boots.
  const inspecting = container.inspect();
  inspecting.catch(() => undefined); // awaited in the key release; a failure there is the step's
  const hello = await awaitHello(ctx, messages);
  const release = await releaseKey(ctx, job, hello.publicKey, inspecting);
  ctx.emit('key-released');

  ctx.step('run');
  if (job.kind === 'audit' && release.modelWrappedKey === undefined) {
    throw new AgentError('AGENT_GATEWAY', 'the audit release carries no model key');
  }
  stdio.stdin.write(`${JSON.stringify(runLine(job, release))}\n`);
  const transcript = new Transcript(ctx, job, dir);
  try {
    for (;;) {
      const next = await messages.next();
      if (next.done) break;
      await transcript.take(next.value);
    }
  } finally {
    await transcript.close();
  }
  return transcript.result;
}

async function awaitHello(ctx: SessionContext, messages: Messages): Promise<{ readonly publicKey: string }> {
  ctx.step('hello');
  const first = await messages.next();
  if (first.done || first.value.t !== 'hello') {
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor did not begin with hello');
  }
  ctx.emit('hello');
  return first.value;
}

/** The supervisor's messages after `run`, as they come: egress batched, the output uploaded. */
class Transcript {
  readonly result: SessionResult = { answers: [] };
  // docs/egress-protocol.md section 3: every egress record in order, seq from 0 per job
  #seq = 0;
  readonly #batcher: MetricBatcher<EgressRecord>;
  readonly #output: OutputFile;

  constructor(
    private readonly ctx: SessionContext,
    job: Job,
    dir: string,
  ) {
    this.#batcher = new MetricBatcher<EgressRecord>({
      send: (records) => ctx.api.egress(job.runId, { jobId: job.jobId, records }),
      onStop: () => ctx.egressStopped?.(),
      onError: (err) => ctx.warn('egress batch not accepted', err),
    });
    this.#output = new OutputFile(join(dir, 'output'), ctx.maxOutputBytes);
  }

  async take(m: SupervisorMessage): Promise<void> {
    switch (m.t) {
      case 'started':
        return this.ctx.emit('started');
      case 'metric':
        return this.#egress({ channel: 'metrics', metric: m.metric, step: m.step, value: m.value });
      case 'log':
        return this.#egress({ channel: 'logs', text: m.text });
      case 'refused':
        return this.#egress({ channel: 'refused', reason: m.reason, bytes: m.bytes });
      case 'answer':
        this.result.answers[m.index] = m.value;
        return;
      case 'output':
        return this.#output.append(m.chunk);
      case 'output-end':
        return this.#sealedOutput(m);
      case 'error':
        this.result.error = m;
        return;
      case 'exit':
        this.result.exit = m;
        return;
      case 'hello':
        throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor said hello twice');
    }
  }

  async close(): Promise<void> {
    await this.#batcher.close();
    await this.#output.close();
  }

  #egress(record: DistributiveOmit<EgressRecord, 'seq'>): void {
    this.#batcher.add({ seq: this.#seq++, ...record });
  }

  // The output's bytes checked against output-end, then uploaded (content-addressed).
  async #sealedOutput(m: Extract<SupervisorMessage, { t: 'output-end' }>): Promise<void> {
    this.ctx.step('output');
    await this.#output.finish(m.digest, m.size);
    await this.ctx.api.uploadBlob(m.digest, createReadStream(this.#output.path), m.size);
    this.result.output = { digest: m.digest, size: m.size, wrappedKey: m.wrappedKey, keyId: m.keyId };
    this.ctx.step('run');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
