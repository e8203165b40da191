/**
 * Fakes for the node agent's unit tests: a gateway behind the NodeHttpClient
 * seam, a container runtime whose containers run a scripted supervisor over
 * in-memory stdio, and a job. They prove the agent's sequencing, reports and
 * cleanup only; no security property is proven with them (the real driver
 * and dockerd do that, in the driver's and the integration tests).
 */
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { SealgateError } from '../../../attest/index.js';
import type {
  ContainerExit,
  ContainerRuntime,
  GatewayReply,
  NodeHttpClient,
  RunLine as RunMessage,
  SealedContainer,
  SealedContainerSpec,
} from '../../../enclave-runtime/index.js';
import { SEALGATE_SECCOMP_JSON } from '../../../policies/index.js';
import { inspectFixture } from '../../helpers/inspect-fixtures.js';

export const sha = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** One request the fake gateway received. */
export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

type Handler = (call: Call) => GatewayReply | undefined;

/** A gateway behind the HTTP seam: records every call; `on` overrides a route's reply. */
export class FakeGateway implements NodeHttpClient {
  readonly calls: Call[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly uploads = new Map<string, Buffer>();
  readonly jobs: unknown[] = [];
  control: unknown[] = [];
  readonly #handlers: [RegExp, Handler][] = [];
  #closed = false;

  on(pattern: RegExp, handler: Handler): this {
    this.#handlers.unshift([pattern, handler]);
    return this;
  }

  paths(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path.replace(/\?.*$/, '')}`);
  }

  json(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<GatewayReply> {
    const call = { method, path, body };
    this.calls.push(call);
    for (const [pattern, handler] of this.#handlers) {
      if (pattern.test(`${method} ${path}`)) {
        const reply = handler(call);
        if (reply) return Promise.resolve(reply);
      }
    }
    if (path.startsWith('/v1/node/jobs')) {
      const job = this.jobs.shift();
      if (job !== undefined) return Promise.resolve({ status: 200, body: { job } });
      // A long-poll that waits until aborted (the agent's stop), then "times out".
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ status: 204, body: undefined }), 50);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve({ status: 204, body: undefined });
        });
      });
    }
    return Promise.resolve(this.#default(call));
  }

  #default(call: Call): GatewayReply {
    const p = `${call.method} ${call.path}`;
    if (p === 'POST /v1/node/heartbeat') {
      const control = this.control;
      this.control = [];
      return { status: 200, body: { now: new Date().toISOString(), heartbeatSeconds: 0.02, control } };
    }
    if (/\/nonce$/.test(p)) return { status: 201, body: { nonce: 'bm9uY2Utbm9uY2Utbm9uY2U', expiresAt: '' } };
    if (/\/evidence$/.test(p))
      return { status: 200, body: { status: 'released', wrappedKey: 'd3JhcHBlZA==', keyId: 'k1' } };
    if (/\/egress$/.test(p)) return { status: 200, body: { stop: false } };
    if (/\/(fail|answers)$/.test(p)) return { status: 204, body: undefined };
    if (/\/complete$/.test(p)) return { status: 200, body: {} };
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: p } } };
  }

  download(path: string): Promise<Readable | GatewayReply> {
    this.calls.push({ method: 'GET', path, body: undefined });
    const blob = this.blobs.get(path.replace('/v1/node/blobs/', ''));
    if (!blob)
      return Promise.resolve({ status: 404, body: { error: { code: 'BLOB_NOT_FOUND', message: path } } });
    return Promise.resolve(Readable.from([blob]));
  }

  async upload(path: string, data: Readable): Promise<GatewayReply> {
    const chunks: Buffer[] = [];
    for await (const c of data) chunks.push(c as Buffer);
    this.calls.push({ method: 'PUT', path, body: undefined });
    this.uploads.set(path.replace('/v1/node/blobs/', ''), Buffer.concat(chunks));
    return { status: 201, body: {} };
  }

  close(): void {
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }
}

/** What the scripted supervisor does once it receives `run`. */
export interface Script {
  /** Messages after `run` (default: started, two metrics, a sealed output, exit 0). */
  readonly messages?: (run: RunMessage) => object[];
  readonly exit?: Partial<ContainerExit>;
  /** Skip `hello` and end at once with `exit`. */
  readonly dieBeforeHello?: boolean;
  /** After `started` (or `messages`, when given), hang until cancelled. */
  readonly hang?: boolean;
}

export const OUTPUT = Buffer.from('sealed-output-ciphertext '.repeat(50));

export function defaultMessages(): object[] {
  return [
    { t: 'started' },
    { t: 'metric', metric: 'loss', step: 1, value: 0.5 },
    { t: 'metric', metric: 'loss', step: 2, value: 0.25 },
    { t: 'output', chunk: OUTPUT.subarray(0, 500).toString('base64') },
    { t: 'output', chunk: OUTPUT.subarray(500).toString('base64') },
    { t: 'output-end', digest: sha(OUTPUT), size: OUTPUT.length, wrappedKey: 'bW9kZWwta2V5', keyId: 'mk1' },
    { t: 'exit', code: 0, signal: null, steps: 2, cpuSeconds: 1.5, dropped: 0, wiped: true },
  ];
}

/** A driver-style error (the real DriverError lives in enclave-runtime/docker/). */
export class FakeDriverError extends SealgateError<'RUNTIME_SANDBOX_VIOLATION' | 'RUNTIME_IMAGE_MISSING'> {}

/** The recorded sealed inspect document with sealgate's seccomp profile in its SecurityOpt. */
export function sealedInspect(image: string): Record<string, unknown> {
  const doc = inspectFixture('sealed');
  const opts = (doc.HostConfig.SecurityOpt as string[]).filter((o) => !o.startsWith('seccomp'));
  doc.HostConfig.SecurityOpt = [...opts, `seccomp=${JSON.stringify(SEALGATE_SECCOMP_JSON)}`];
  doc.Image = image;
  return doc;
}

/** A container runtime whose containers run {@link Script}. */
export class FakeRuntime implements ContainerRuntime {
  readonly log: string[] = [];
  readonly specs: SealedContainerSpec[] = [];
  readonly live = new Set<string>();
  script: Script = {};
  refuseCreate = false;
  run: RunMessage | undefined;

  version(): Promise<string> {
    return Promise.resolve('docker fake');
  }

  ensureImage(digest: string, archive?: () => Promise<Readable>): Promise<void> {
    this.log.push(`ensureImage ${digest}${archive ? ' +archive' : ''}`);
    return Promise.resolve();
  }

  gpus() {
    return Promise.resolve([{ index: 0, uuid: 'GPU-0', name: 'Fake', memoryBytes: 1024 }]);
  }

  sweep(): Promise<number> {
    this.log.push('sweep');
    return Promise.resolve(0);
  }

  createSealed(spec: SealedContainerSpec): Promise<SealedContainer> {
    this.log.push('createSealed');
    this.specs.push(spec);
    if (this.refuseCreate) {
      return Promise.reject(
        new FakeDriverError('RUNTIME_SANDBOX_VIOLATION', 'SANDBOX_NETWORK at /HostConfig/NetworkMode'),
      );
    }
    const id = `c-${spec.jobId}`;
    this.live.add(id);
    return Promise.resolve(new FakeContainer(this, id, spec));
  }
}

class FakeContainer implements SealedContainer {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  #exit!: (exit: ContainerExit) => void;
  readonly #exited = new Promise<ContainerExit>((resolve) => (this.#exit = resolve));
  #ended = false;

  constructor(
    private readonly rt: FakeRuntime,
    readonly id: string,
    private readonly spec: SealedContainerSpec,
  ) {}

  inspect(): Promise<unknown> {
    this.rt.log.push('inspect');
    return Promise.resolve(sealedInspect(this.spec.image));
  }

  attach() {
    this.rt.log.push('attach');
    return Promise.resolve({ stdin: this.stdin, stdout: this.stdout, stderr: this.stderr });
  }

  start(): Promise<void> {
    this.rt.log.push('start');
    const script = this.rt.script;
    if (script.dieBeforeHello) {
      this.#end(script.exit);
      return Promise.resolve();
    }
    this.#send({ t: 'hello', publicKey: Buffer.alloc(32, 7).toString('base64'), version: 'fake-1' });
    let buffered = '';
    this.stdin.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const at = buffered.indexOf('\n');
      if (at < 0) return;
      const run = JSON.parse(buffered.slice(0, at)) as RunMessage;
      this.rt.run = run;
      if (script.hang) {
        // with `messages`, those are sent before hanging (issue 5: the guard's stop)
        for (const m of script.messages?.(run) ?? [{ t: 'started' }]) this.#send(m);
        return;
      }
      for (const m of (script.messages ?? defaultMessages)(run)) this.#send(m);
      this.#end(script.exit);
    });
    return Promise.resolve();
  }

  #send(m: object): void {
    if (!this.#ended) this.stdout.write(`${JSON.stringify(m)}\n`);
  }

  #end(exit: Partial<ContainerExit> = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    this.stdout.end();
    this.#exit({ exitCode: 0, oomKilled: false, timedOut: false, cancelled: false, ...exit });
  }

  wait(): Promise<ContainerExit> {
    return this.#exited;
  }

  pause(): Promise<void> {
    this.rt.log.push('pause');
    return Promise.resolve();
  }

  resume(): Promise<void> {
    this.rt.log.push('resume');
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    this.rt.log.push('cancel');
    this.#end({ exitCode: 137, cancelled: true });
    return Promise.resolve();
  }

  remove(): Promise<void> {
    this.rt.log.push('remove');
    this.rt.live.delete(this.id);
    this.#end({ exitCode: 137 });
    return Promise.resolve();
  }
}
