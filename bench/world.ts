/**
 * The sealed trade end to end, with every real part (issue 4): the gateway on
 * loopback with its nodes' mTLS listener over LevelDB in a temp dir, a node
 * agent enrolled with a real token, the real Docker driver on the local
 * dockerd, the staged supervisor, and model images built FROM scratch here.
 * Accounts act through the SDK. Everything made is removed when the owner
 * ends: a tap test (test/e2e/world.ts re-exports this) or the sealing bench
 * (bench/sealing.ts), through the one `teardown` method both have.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { pino } from 'pino';
import type { Test } from 'tap';
import type { SigningKeyPair } from '../attest/index.js';
import {
  accountId,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  encodeDataKeyFile,
  generateDataKey,
  generateSigningKeyPair,
  wrapKey,
  base64ToBytes,
  IndexBuilder,
} from '../attest/index.js';
import type { AccountRole, PrepareOptions, RunInfo } from '../client/index.js';
import {
  GatewayClient,
  adminCredit,
  brokerPublicKey,
  createEnrollToken,
  decryptFile,
  encryptFile,
  generateDataset,
  getRun,
  loadKeyFile,
  publishDataset,
  publishModel,
  registerAccount,
  requestQuote,
  startRun,
  uploadBlob,
  uploadFingerprint,
  prepareDataset,
} from '../client/index.js';
import type { JobEvent, NodeHttpClient, SupervisorBundle } from '../enclave-runtime/index.js';
import {
  NodeAgent,
  buildModelImage,
  dockerRuntime,
  fetchCaUnverified,
  httpsNodeClient,
  loadOrEnroll,
  runtimeVersion,
  stageSupervisor,
} from '../enclave-runtime/index.js';
import type { GatewayOptions, RunningGateway } from '../gateway/index.js';
import { parseEgressPolicy } from '../policies/index.js';
import { startGateway } from '../gateway/index.js';

/** The repository root, from dist/bench. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The reference model's directory. */
export const REFERENCE_MODEL = join(ROOT, 'models/reference');
/** A hostile model's directory under test/fixtures/models. */
export const hostileModel = (name: string): string => join(ROOT, 'test/fixtures/models', name);

/** A model that ticks for `seconds` and then writes its output: slow enough to be killed mid-run. */
export async function slowModel(dir: string, seconds: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'model.json'),
    JSON.stringify({
      name: 'slow-ticker',
      version: '1.0.0',
      entrypoints: { train: ['/usr/bin/node', '/model/main.js'] },
      metrics: ['tick'],
      resources: { cpus: 1, memoryMiB: 128, gpus: 0, tmpfsMiB: 16, pids: 32, maxSeconds: 120 },
      unitCost: '1',
      baseFee: '10',
      maxSteps: 1000,
      benchmark: { steps: 1, seconds: 1, hardware: 'test' },
    }),
  );
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(
    join(dir, 'main.js'),
    `import { writeFileSync } from 'node:fs';
let step = 0;
const timer = setInterval(() => {
  step += 1;
  process.stdout.write(JSON.stringify({ metric: 'tick', step, value: step }) + '\\n');
  if (step >= ${seconds * 2}) {
    clearInterval(timer);
    writeFileSync('/sealed/output/model.json', JSON.stringify({ ticks: step }));
  }
}, 500);
`,
  );
  return dir;
}

/**
 * Publish the hostile model `name` (test/fixtures/models) as its publisher would, from a copy
 * with `changes` (see {@link SealedWorld.modelCopy}). The fixtures' baseFee of 0 is below the
 * gateway's price floor (MODEL_PRICE_BELOW_FLOOR), so the copy charges 1.
 */
export async function publishHostile(
  world: SealedWorld,
  name: string,
  changes: { resources?: Readonly<Record<string, number>>; [field: string]: unknown } = {},
): Promise<{ id: string; digest: string }> {
  const dir = await world.modelCopy(hostileModel(name), { baseFee: '1', ...changes });
  return world.publishModel(dir, `sealgate-test/hostile-${name}:e2e`);
}

/** A server-sent event of a run as the buyer saw it, and when it came (ms). */
export interface SeenEvent {
  readonly type: string;
  readonly at: number;
  readonly data: unknown;
}

/** The values of the buyer-visible metric `name`, in order, from {@link SealedWorld.follow}'s events. */
export function metricValues(events: readonly SeenEvent[], name: string): number[] {
  return events
    .filter((e) => e.type === 'metric')
    .map((e) => e.data as { metric?: string; value?: number; data?: { metric?: string; value?: number } })
    .map((d) => d.data ?? d)
    .filter((d) => d.metric === name && typeof d.value === 'number')
    .map((d) => d.value as number);
}

/** The job directories (DATA/jobs/*: ciphertext copies) a node still holds. */
export async function jobDirsLeft(node: TestNode): Promise<string[]> {
  return readdir(join(node.dataDir, 'jobs')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

/** The host's first non-loopback IPv4 address (what a hostile model would aim at), if any. */
export function hostIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return undefined;
}

/** Who owns a world: runs its clean-ups at the end (a tap `Test` is one). */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** One account: its key and a signed client. */
export interface Actor {
  readonly id: string;
  readonly key: SigningKeyPair;
  readonly client: GatewayClient;
}

/** A node agent in this process. */
export interface TestNode {
  readonly nodeId: string;
  readonly agent: NodeAgent;
  readonly events: JobEvent[];
  readonly dataDir: string;
}

const silent = pino({ level: 'silent' });
let staged: Promise<SupervisorBundle> | undefined;

/** The staged supervisor, shared by the tests of one process (content-addressed, reused). */
export function supervisor(): Promise<SupervisorBundle> {
  staged ??= stageSupervisor(join(tmpdir(), 'sealgate-test-supervisor'));
  return staged;
}

/**
 * Stage the supervisor under `dir` for this process's worlds instead of the tests' shared cache
 * (`sealgate demo` stages into its own temp dir and removes it). Call before the first world.
 */
export function stageSupervisorIn(dir: string): Promise<SupervisorBundle> {
  staged = stageSupervisor(dir);
  return staged;
}

/** A gateway, accounts, and helpers to list, publish, trade and run nodes. */
export class SealedWorld {
  readonly docker = new Docker();
  /** The seller's SEALGATE_HOME (its data keys, for seller custody). */
  get sellerHome(): string {
    return join(this.dir, 'seller-home');
  }
  readonly label: string;
  private constructor(
    readonly t: Teardown,
    readonly dir: string,
    readonly gateway: RunningGateway,
    readonly operator: Actor,
    readonly seller: Actor,
    readonly buyer: Actor,
    readonly publisher: Actor,
    readonly miner: Actor,
  ) {
    this.label = `sg-e2e-${bytesToHex(crypto.getRandomValues(new Uint8Array(4)))}`;
  }

  /** Start the gateway (both listeners) and make the five parties; the buyer gets `credit` tokens. */
  static async create(
    t: Teardown,
    options: Partial<Omit<GatewayOptions, 'logger' | 'dataDir'>> = {},
    credit = '1000000000000',
  ): Promise<SealedWorld> {
    const dir = await mkdtemp(join(tmpdir(), 'sealgate-e2e-'));
    const bundle = await supervisor();
    const gateway = await startGateway({
      dataDir: join(dir, 'gateway'),
      port: 0,
      nodePort: 0,
      logger: silent,
      rateLimitPerMinute: false,
      maxEventLoopDelayMs: false,
      nodeCaBits: 2048,
      heartbeatSeconds: 1,
      nodeTimeoutSeconds: 4,
      sweepSeconds: 0.5,
      broker: { supervisorDigests: [bundle.digest], runtimeVersions: [await runtimeVersion()] },
      economics: { bonds: { minimumBond: '0' } }, // the e2e world's nodes post no bond
      ...options,
    });
    t.teardown(async () => {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    });
    const client = (key?: SigningKeyPair) =>
      new GatewayClient({ gateway: gateway.url, ...(key ? { key } : {}) });
    const op = await loadKeyFile(join(dir, 'gateway', 'operator-key.json'));
    const operator = { id: op.id, key: op.keyPair, client: client(op.keyPair) };
    const actor = async (role: AccountRole): Promise<Actor> => {
      const key = generateSigningKeyPair();
      const c = client(key);
      await registerAccount(c, [role]);
      return { id: accountId(key.publicKey), key, client: c };
    };
    const [seller, buyer, publisher, miner] = [
      await actor('seller'),
      await actor('buyer'),
      await actor('publisher'),
      await actor('miner'),
    ];
    await adminCredit(operator.client, { account: buyer.id, amount: credit, memo: 'test credit' });
    return new SealedWorld(t, dir, gateway, operator, seller, buyer, publisher, miner);
  }

  /** Build a model image from `modelDir` and publish it; returns the model id and its image digest. */
  async publishModel(modelDir: string, tag: string): Promise<{ id: string; digest: string }> {
    const built = await buildModelImage(this.docker, modelDir, tag);
    const model = await publishModel(this.publisher.client, {
      descriptor: built.descriptor,
      image: { digest: built.imageId },
    });
    return { id: model.id, digest: built.imageId };
  }

  /** Encrypt a synthetic dataset, upload it and list it, allowing `models` (image digests). */
  async listDataset(options: {
    rows: number;
    models: readonly string[];
    custody?: 'broker' | 'seller';
    price?: string;
  }): Promise<{ id: string; dek: Uint8Array; csv: string }> {
    const csv = generateDataset({ rows: options.rows, seed: 7 });
    const plain = join(this.dir, `data-${options.rows}.csv`);
    const sealed = `${plain}.sgenc`;
    await writeFile(plain, csv);
    const dek = generateDataKey();
    await encryptFile(plain, sealed, dek);
    const blob = await uploadBlob(this.seller.client, sealed);
    const custody = options.custody ?? 'broker';
    const broker = base64ToBytes(await brokerPublicKey(this.seller.client))!;
    const listing = await publishDataset(this.seller.client, {
      title: 'synthetic patients',
      description: 'people with measurements and a label',
      schema: [],
      price: options.price ?? '1000',
      policy: { release: { allowedModels: [...options.models], custody } },
      blob: { digest: blob.digest },
      key: {
        keyId: bytesToHex(dataKeyId(dek)),
        custody,
        ...(custody === 'broker' ? { wrapped: bytesToBase64(wrapKey(dek, broker)) } : {}),
      },
    });
    if (custody === 'seller') {
      // The seller keeps the key where `sealgate dataset publish` does: HOME/datasets/KEYID.key.
      await mkdir(join(this.sellerHome, 'datasets'), { recursive: true, mode: 0o700 });
      const keyFile = join(this.sellerHome, 'datasets', `${bytesToHex(dataKeyId(dek))}.key`);
      await writeFile(keyFile, encodeDataKeyFile(dek), { mode: 0o600 });
    }
    return { id: listing.id, dek, csv };
  }

  /** Quote and start a run of `steps`, with the buyer's `hyperparameters` if given. */
  async startRun(
    dataset: string,
    model: string,
    steps: number,
    hyperparameters?: Readonly<Record<string, string | number | boolean>>,
  ): Promise<RunInfo> {
    const quote = await requestQuote(this.buyer.client, {
      dataset,
      model,
      steps,
      ...(hyperparameters ? { hyperparameters } : {}),
    });
    return startRun(this.buyer.client, quote.id);
  }

  /**
   * Read the run's server-sent events (GET /v1/runs/:id/events, as the buyer) until the
   * stream ends with the run; each event with when it came, also handed to `onEvent` as it comes.
   */
  async follow(runId: string, onEvent?: (event: SeenEvent) => void): Promise<SeenEvent[]> {
    const res = await this.buyer.client.send('GET', `/v1/runs/${runId}/events`, { signed: true });
    const out: SeenEvent[] = [];
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (type !== undefined && data !== undefined) {
          const event = { type, at: Date.now(), data: JSON.parse(data) as unknown };
          out.push(event);
          onEvent?.(event);
        }
      }
    }
    return out;
  }

  /**
   * A copy of the model directory `modelDir` (in this world's temp dir) whose model.json has
   * `changes` merged over its own (`resources` merged field by field), e.g. a smaller
   * `resources.maxSeconds` or a `baseFee` at the gateway's price floor.
   */
  async modelCopy(
    modelDir: string,
    changes: { resources?: Readonly<Record<string, number>>; [field: string]: unknown },
  ): Promise<string> {
    const copy = await mkdtemp(join(this.dir, `${basename(modelDir)}-`));
    await cp(modelDir, copy, { recursive: true });
    const file = join(copy, 'model.json');
    const descriptor = JSON.parse(await readFile(file, 'utf8')) as { resources?: Record<string, number> };
    const { resources, ...rest } = changes;
    const merged = { ...descriptor, ...rest, resources: { ...descriptor.resources, ...resources } };
    await writeFile(file, JSON.stringify(merged, null, 2));
    return copy;
  }

  /**
   * Run `model` on `dataset` as a buyer would (quote, start), follow its events and wait for
   * its end; the run as it ended and every event the buyer saw.
   */
  async trade(
    dataset: string,
    model: string,
    options: {
      steps?: number;
      hyperparameters?: Record<string, string | number | boolean>;
      ms?: number;
    } = {},
  ): Promise<{ run: RunInfo; events: SeenEvent[] }> {
    const started = await this.startRun(dataset, model, options.steps ?? 100, options.hyperparameters);
    const events = this.follow(started.id);
    const run = await this.waitRun(started.id, ['settled', 'failed', 'cancelled', 'flagged'], options.ms);
    return { run, events: await events };
  }

  /** Assert nothing of a finished run is left: no container of this world, no job directory on `node`. */
  async assertClean(t: Test, node: TestNode): Promise<void> {
    t.equal(await this.containersGone(), 0, 'no container left behind');
    t.same(await jobDirsLeft(node), [], 'no job directory (ciphertext, plaintext) left on the node');
  }

  /** Wait up to `ms` for this world's containers to be gone; how many are left. */
  async containersGone(ms = 10_000): Promise<number> {
    const until = Date.now() + ms;
    let left = await this.containersLeft();
    while (left > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      left = await this.containersLeft();
    }
    return left;
  }

  /** Poll the run until it is in one of `states` (or `ms` pass). */
  async waitRun(runId: string, states: readonly string[], ms = 120_000): Promise<RunInfo> {
    const until = Date.now() + ms;
    for (;;) {
      const run = await getRun(this.buyer.client, runId);
      if (states.includes(run.state)) return run;
      if (Date.now() > until) throw new Error(`run ${runId} is ${run.state}, not ${states.join('|')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Enroll a node agent in this process and start it; it is stopped when the test ends.
   * `http` may wrap the agent's mTLS client (the bench timestamps the metric batches it sends).
   */
  async node(options: { http?: (client: NodeHttpClient) => NodeHttpClient } = {}): Promise<TestNode> {
    const nodeUrl = this.gateway.nodeUrl!;
    const dataDir = await mkdtemp(join(this.dir, 'node-'));
    const { token } = await createEnrollToken(this.operator.client, { miner: this.miner.id });
    const identity = await loadOrEnroll(dataDir, token, {
      fetchCa: () => fetchCaUnverified(nodeUrl),
      client: (caPem) => httpsNodeClient({ baseUrl: nodeUrl, tls: { caPem } }),
    });
    const bundle = await supervisor();
    const runtime = dockerRuntime({
      entrypoint: bundle.entrypoint,
      docker: this.docker,
      labels: { 'sealgate.node': identity.nodeId, 'sealgate.test': this.label },
    });
    const events: JobEvent[] = [];
    const agent = new NodeAgent({
      identity,
      http: (options.http ?? ((c) => c))(httpsNodeClient({ baseUrl: nodeUrl, tls: identity.tls })),
      runtime,
      supervisor: bundle,
      dataDir,
      runtimeVersion: await runtimeVersion(),
      logger: silent,
      waitSeconds: 2,
      onJobEvent: (e) => events.push(e),
    });
    await agent.start();
    this.t.teardown(async () => {
      await agent.stop();
      await runtime.sweep();
    });
    return { nodeId: identity.nodeId, agent, events, dataDir };
  }

  /** The containers of this world still on the daemon. */
  async containersLeft(): Promise<number> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`sealgate.test=${this.label}`] },
    });
    return list.length;
  }
}

// ---- issue 5: leaky model images and fingerprinted listings -------------------------

/**
 * Publish the leaky model `name` (test/fixtures/models/leak-*) as its publisher would, tagged
 * `sg-test-leaky-NAME:e2e`; the image is removed when the world's owner ends.
 */
export async function publishLeaky(
  world: SealedWorld,
  name: string,
  changes: { resources?: Readonly<Record<string, number>>; [field: string]: unknown } = {},
): Promise<{ id: string; digest: string }> {
  const dir = await world.modelCopy(hostileModel(name), changes);
  const tag = `sg-test-leaky-${name}:e2e`;
  world.t.teardown(() =>
    world.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined),
  );
  return world.publishModel(dir, tag);
}

/** A fingerprinted listing: the plaintext as encrypted, and where its planted canaries sit. */
export interface FingerprintedDataset {
  readonly id: string;
  readonly dek: Uint8Array;
  /** The CSV as encrypted: the synthetic rows with the planted canaries among them. */
  readonly csv: string;
  /** The fingerprint key (the seller's; wrapped to the broker in the listing). */
  readonly key: Uint8Array;
  /** The data-row index (0 = the first row after the header) of each planted canary. */
  readonly plantedRows: readonly number[];
  /** The held-out canaries (CSV lines), never in the data. */
  readonly heldOut: readonly string[];
  /** The serialised fingerprint index, as uploaded. */
  readonly index: Uint8Array;
}

/**
 * Encrypt and list a synthetic dataset (`rows` rows, seed 7) with a fingerprint index and `canaries`
 * planted canaries (and 4x as many held out) exactly as `sealgate dataset publish --fingerprint
 * --canaries N` does: the seller's `prepareDataset` (attest/fingerprint's `IndexBuilder`) and
 * `uploadFingerprint` (docs/egress-protocol.md section 2, docs/canaries.md). `egress` is the
 * listing's egress policy (defaults as in policies/documents/egress.ts). The planted plaintext is
 * read back from the envelope, so the test knows which rows are canaries.
 */
export async function listFingerprinted(
  world: SealedWorld,
  options: {
    rows: number;
    models: readonly string[];
    canaries?: number;
    egress?: Record<string, unknown>;
    onProgress?: PrepareOptions['onProgress'];
  },
): Promise<FingerprintedDataset> {
  const egress = parseEgressPolicy(options.egress ?? {});
  const dir = await mkdtemp(join(world.dir, `fingerprinted-${options.rows}-`));
  const plain = join(dir, 'data.csv');
  await writeFile(plain, generateDataset({ rows: options.rows, seed: 7 }));
  const dek = generateDataKey();
  const prepared = await prepareDataset(plain, dir, dek, {
    index: (key, columns, scan) => new IndexBuilder(key, columns, scan),
    scan: egress.scan,
    canaries: options.canaries ?? 4,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const broker = base64ToBytes(await brokerPublicKey(world.seller.client))!;
  const fields = await uploadFingerprint(world.seller.client, prepared, broker);
  const blob = await uploadBlob(world.seller.client, prepared.envelope);
  await decryptFile(prepared.envelope, join(dir, 'planted.csv'), dek);
  const csv = await readFile(join(dir, 'planted.csv'), 'utf8');
  const set = prepared.canaries ? (await readFile(prepared.canaries.file, 'utf8')).trimEnd().split('\n') : [];
  const n = prepared.canaries?.planted ?? 0;
  const planted = new Set(set.slice(1, 1 + n));
  const data = csv.trimEnd().split('\n').slice(1);
  const plantedRows = data.flatMap((row, i) => (planted.has(row) ? [i] : []));
  const listing = await world.seller.client.request<{ id: string }>('POST', '/v1/datasets', {
    signed: true,
    body: {
      title: 'synthetic patients, fingerprinted',
      description: 'people with measurements and a label',
      schema: [],
      price: '1000',
      policy: {
        release: { allowedModels: [...options.models], custody: 'broker' },
        egress: options.egress ?? {},
      },
      blob: { digest: blob.digest },
      ...fields,
      key: {
        keyId: bytesToHex(dataKeyId(dek)),
        custody: 'broker',
        wrapped: bytesToBase64(wrapKey(dek, broker)),
      },
    },
  });
  return {
    id: listing.id,
    dek,
    csv,
    key: prepared.fingerprint!.key,
    plantedRows,
    heldOut: set.slice(1 + n),
    index: new Uint8Array(await readFile(prepared.fingerprint!.file)),
  };
}
