/**
 * The sealed trade end to end, with every real part (issue 4): the gateway on
 * loopback with its nodes' mTLS listener over LevelDB in a temp dir, a node
 * agent enrolled with a real token, the real Docker driver on the local
 * dockerd, the staged supervisor, and model images built FROM scratch here.
 * Accounts act through the SDK. Everything made is removed when the owner
 * ends: a tap test (test/e2e/world.ts re-exports this) or the sealing bench
 * (bench/sealing.ts), through the one `teardown` method both have.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { pino } from 'pino';
import type { SigningKeyPair } from '../attest/index.js';
import {
  accountId,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  generateDataKey,
  generateSigningKeyPair,
  wrapKey,
  base64ToBytes,
} from '../attest/index.js';
import type { AccountRole, RunInfo } from '../client/index.js';
import {
  GatewayClient,
  adminCredit,
  brokerPublicKey,
  createEnrollToken,
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
import { startGateway } from '../gateway/index.js';

/** The repository root, from dist/test/e2e. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The reference model's directory. */
export const REFERENCE_MODEL = join(ROOT, 'models/reference');
/** A hostile model's directory under test/fixtures/models. */
export const hostileModel = (name: string): string => join(ROOT, 'test/fixtures/models', name);

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

/** A gateway, accounts, and helpers to list, publish, trade and run nodes. */
export class SealedWorld {
  readonly docker = new Docker();
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
    return { id: listing.id, dek, csv };
  }

  /** Quote and start a run of `steps`. */
  async startRun(dataset: string, model: string, steps: number): Promise<RunInfo> {
    const quote = await requestQuote(this.buyer.client, { dataset, model, steps });
    return startRun(this.buyer.client, quote.id);
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
