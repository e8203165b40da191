/**
 * The broker's test world: a real gateway over LevelDB (gatewayForTest) with
 * a stepping clock, its node CA, a nodes' app carrying only the broker's
 * routes (over TLS for loopback tests, else identified by a test header that
 * goes through the same verifyNodeCertificate), enrolled nodes, and the
 * records other features write (dataset, model, run, job, node), written
 * here with store.write as docs/node-protocol.md shapes them.
 */
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import nacl from 'tweetnacl';
import type { Test } from 'tap';
import type { BoxKeyPair, EvidenceDocument, VerifiedNodeCertificate } from '../../../attest/index.js';
import {
  bytesToBase64,
  bytesToHex,
  createNodeCsr,
  dataKeyId,
  generateBoxKeyPair,
  generateDataKey,
  issueNodeCertificate,
  isSealgateError,
  nodeId as nodeIdOf,
  signSoftwareEvidence,
  verifyNodeCertificate,
  wrapKey,
} from '../../../attest/index.js';
import type {
  BrokerOptions,
  DatasetRecord,
  ModelRecord,
  NodePki,
  RunRecord,
  RunState,
} from '../../../gateway/index.js';
import {
  DATASETS_SUBLEVEL,
  GatewayError,
  MODELS_SUBLEVEL,
  RUNS_SUBLEVEL,
  brokerNodeRoutes,
  loadNodePki,
  put,
} from '../../../gateway/index.js';
import { installErrorHandlers } from '../../../gateway/http/error-handler.js';
import { validatorCompiler } from '../../../gateway/http/validation.js';
import { newId } from '../../../gateway/ids.js';
import type { JobRecord, NodeRecord } from '../../../gateway/nodes/records.js';
import { JOBS_SUBLEVEL, NODES_SUBLEVEL } from '../../../gateway/nodes/records.js';
import type { GatewayContext } from '../../../gateway/index.js';
import {
  SEALGATE_SECCOMP_JSON,
  parseDatasetPolicy,
  parseModelDescriptor,
  seccompProfileDigest,
  securityConfigDigest,
} from '../../../policies/index.js';
import type { SeccompProfileJson } from '../../../policies/index.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { gatewayForTest } from '../../helpers/gateway.js';
import type { EditableInspect } from '../../helpers/inspect-fixtures.js';
import { sharedTlsKeyPem } from '../../helpers/tls-key.js';

/** The supervisor digest and runtime version the test gateway allows. */
export const SUPERVISOR = `sha256:${'5e'.repeat(32)}`;
export const RUNTIME = '0.4.0-test';
/** Header carrying a node certificate (base64 PEM) to the non-TLS test app. */
export const NODE_HEADER = 'x-test-node-certificate';

/** A clock that starts at a fixed instant and steps 1 ms per reading (ids stay ordered). */
export class SteppingClock {
  constructor(public ms = Date.parse('2026-06-01T12:00:00.000Z')) {}
  readonly now = (): Date => new Date(this.ms++);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** An enrolled node. */
export interface TestNode {
  readonly id: string;
  readonly signing: nacl.SignKeyPair;
  readonly certPem: string;
  readonly tlsKeyPem: string;
  readonly serial: string;
  readonly headers: Record<string, string>;
}

/** A run waiting for a key, and what the test needs to finish or check it. */
export interface TestRun {
  readonly runId: string;
  readonly jobId: string;
  readonly dataset: DatasetRecord;
  readonly imageDigest: string;
  /** The key the release must deliver: the DEK (train) or the model key (predict). */
  readonly key: Uint8Array;
}

/** Build the nodes' app with only the broker's routes (TLS when `tls` is given). */
export async function nodeAppForTest(
  context: GatewayContext,
  pki: NodePki,
  tls = false,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ...(tls
      ? {
          https: {
            key: pki.server.keyPem,
            cert: pki.server.certPem,
            ca: [pki.ca.certPem],
            requestCert: true,
            rejectUnauthorized: true,
            minVersion: 'TLSv1.3' as const,
          },
        }
      : {}),
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  app.decorate('gateway', context);
  app.decorateRequest('node', undefined);
  // As gateway/nodes/app.ts: verify the client certificate (identity, validity, revocation) on every request.
  app.addHook('onRequest', (request, _reply, next) => {
    const header = request.headers[NODE_HEADER];
    const certificate = tls
      ? (request.raw.socket as TLSSocket).getPeerCertificate(true).raw
      : typeof header === 'string'
        ? Buffer.from(header, 'base64').toString('utf8')
        : '';
    try {
      request.node = verifyNodeCertificate(certificate, {
        caCertPem: pki.ca.certPem,
        revocations: pki.revocations,
        now: context.now(),
      });
    } catch (err) {
      if (!isSealgateError(err)) return next(err as Error);
      return next(new GatewayError('AUTH_NOT_NODE', `not an enrolled node: ${err.message}`));
    }
    next();
  });
  await app.register(brokerNodeRoutes);
  await app.ready();
  return app;
}

/** The test world (see the file comment). */
export class BrokerWorld {
  private constructor(
    readonly gw: TestGateway,
    readonly clock: SteppingClock,
    readonly pki: NodePki,
    readonly nodeApp: FastifyInstance,
    readonly seller: TestAccount,
    readonly inspect: EditableInspect,
  ) {}

  /**
   * A world at a fixed instant, or from `start` (TLS tests start at the real time: OpenSSL
   * checks dates by it); `broker` adds to the test allowlists (e.g. `maxGpus`).
   */
  static async create(
    t: Test,
    inspect: EditableInspect,
    start?: number,
    broker: Pick<BrokerOptions, 'maxGpus'> = {},
  ): Promise<BrokerWorld> {
    const clock = new SteppingClock(start);
    const gw = await gatewayForTest(t, {
      now: clock.now,
      broker: { supervisorDigests: [SUPERVISOR], runtimeVersions: [RUNTIME], ...broker },
    });
    const pki = await loadNodePki(gw.dataDir, { now: clock.now(), caBits: 2048 });
    const nodeApp = await nodeAppForTest(gw.app.gateway, pki);
    t.teardown(() => nodeApp.close());
    const seller = await gw.account('seller');
    return new BrokerWorld(gw, clock, pki, nodeApp, seller, inspect);
  }

  get store() {
    return this.gw.app.gateway.store;
  }

  /** Enroll a node: a certificate from the node CA and its NodeRecord. */
  async node(): Promise<TestNode> {
    const signing = nacl.sign.keyPair();
    const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: signing.secretKey, tlsKey: sharedTlsKeyPem() });
    const issued = await issueNodeCertificate(csrPem, {
      ca: this.pki.ca,
      now: new Date(this.clock.ms - 60_000),
      validityDays: 30,
      enrollment: () => true,
    });
    const id = nodeIdOf(signing.publicKey);
    const record: NodeRecord = {
      id,
      miner: (await this.gw.account('miner')).id,
      publicKey: bytesToBase64(signing.publicKey),
      serial: issued.serial,
      enrolledAt: this.clock.now().toISOString(),
      running: [],
      faults: [],
    };
    await this.store.write([put(this.store.sublevel(NODES_SUBLEVEL), id, record)]);
    const headers = { [NODE_HEADER]: Buffer.from(issued.certPem).toString('base64') };
    return { id, signing, certPem: issued.certPem, tlsKeyPem, serial: issued.serial, headers };
  }

  /** The verified certificate of `node`, as the listener would give it. */
  verified(node: TestNode): VerifiedNodeCertificate {
    return verifyNodeCertificate(node.certPem, {
      caCertPem: this.pki.ca.certPem,
      revocations: this.pki.revocations,
      now: this.clock.now(),
    });
  }

  /**
   * A placed train run on `node` (or, with `predict`, a settled run with a
   * sealed model and a predict job); the dataset allows the inspect's image.
   */
  async run(
    node: TestNode,
    options: {
      custody?: 'broker' | 'seller';
      kind?: 'train' | 'predict';
      jobImage?: string;
      expiresAt?: string;
      state?: RunState;
    } = {},
  ): Promise<TestRun> {
    const at = this.clock.now().toISOString();
    const imageDigest = this.inspect.Image as string;
    const custody = options.custody ?? 'broker';
    const dek = generateDataKey();
    const broker = this.gw.app.gateway.identity.broker.publicKey;
    const dataset: DatasetRecord = {
      id: newId('ds', this.clock.now()),
      seller: this.seller.id,
      title: 'people',
      description: 'synthetic people',
      schema: [],
      price: '100',
      policy: parseDatasetPolicy({
        release: { allowedModels: [imageDigest], custody, expiresAt: options.expiresAt ?? null },
      }),
      blob: { digest: `sha256:${randomBytes(32).toString('hex')}`, size: 1000 },
      key: {
        keyId: bytesToHex(dataKeyId(dek)),
        custody,
        ...(custody === 'broker' ? { wrapped: bytesToBase64(wrapKey(dek, broker)) } : {}),
      },
      status: 'listed',
      runs: 1,
      createdAt: at,
      updatedAt: at,
    };
    const descriptor = parseModelDescriptor({
      name: 'linreg',
      version: '1.0.0',
      entrypoints: { train: ['/bin/train'], predict: ['/bin/predict'] },
      metrics: ['loss'],
      unitCost: '2',
      baseFee: '50',
      benchmark: { steps: 1000, seconds: 12.5 },
    });
    const model: ModelRecord = {
      id: newId('mdl', this.clock.now()),
      publisher: (await this.gw.account('publisher')).id,
      descriptor,
      image: { digest: imageDigest },
      status: 'published',
      createdAt: at,
      updatedAt: at,
    };
    const predict = options.kind === 'predict';
    const modelKey = generateDataKey();
    const state: RunState = options.state ?? (predict ? 'settled' : 'placed');
    const run: RunRecord = {
      id: newId('run', this.clock.now()),
      quote: newId('qt', this.clock.now()),
      buyer: (await this.gw.account('buyer')).id,
      seller: this.seller.id,
      publisher: model.publisher,
      dataset: dataset.id,
      model: model.id,
      steps: 100,
      price: {
        fiat: { compute: '200', baseFee: '50', data: '100', total: '350' },
        tokens: '350000000',
        rate: { fiat: '1', tokens: '1000000' },
        split: { sellerBps: 5000, publisherBps: 2000, minerBps: 2000, platformBps: 1000 },
      },
      state,
      node: node.id,
      history: [{ state, at }],
      createdAt: at,
      updatedAt: at,
      ...(predict
        ? {
            output: {
              digest: `sha256:${randomBytes(32).toString('hex')}`,
              size: 4096,
              wrappedKey: bytesToBase64(wrapKey(modelKey, broker)),
              keyId: bytesToHex(dataKeyId(modelKey)),
            },
          }
        : {}),
    };
    const job: JobRecord = {
      id: `job_${randomBytes(8).toString('hex')}`,
      kind: predict ? 'predict' : 'train',
      runId: run.id,
      nodeId: node.id,
      image: { digest: options.jobImage ?? imageDigest },
      model: descriptor,
      data: predict ? { digest: run.output?.digest ?? '', size: 4096 } : dataset.blob,
      limits: {
        pids: 64,
        memoryBytes: 256 * 1024 * 1024,
        nanoCpus: 1e9,
        wallSeconds: 600,
        tmpfsBytes: 1 << 26,
        gpus: 0,
      },
      params: { steps: 100, hyperparameters: {} },
      state: 'assigned',
      createdAt: at,
      updatedAt: at,
    };
    const s = this.store;
    await s.write([
      put(s.sublevel(DATASETS_SUBLEVEL), dataset.id, dataset),
      put(s.sublevel(MODELS_SUBLEVEL), model.id, model),
      put(s.sublevel(RUNS_SUBLEVEL), run.id, run),
      put(s.sublevel(JOBS_SUBLEVEL), job.id, job),
    ]);
    return { runId: run.id, jobId: job.id, dataset, imageDigest, key: predict ? modelKey : dek };
  }

  /** Ask for a nonce as `node`; returns the reply. */
  nonceRequest(node: TestNode, runId: string, jobId: string) {
    return this.nodeApp.inject({
      method: 'POST',
      url: `/v1/node/runs/${runId}/nonce`,
      headers: node.headers,
      payload: { jobId },
    });
  }

  /** A nonce for `run` as `node` (must succeed). */
  async nonce(node: TestNode, run: TestRun): Promise<string> {
    const res = await this.nonceRequest(node, run.runId, run.jobId);
    if (res.statusCode !== 201) throw new Error(`nonce: ${res.statusCode} ${res.body}`);
    return res.json<{ nonce: string }>().nonce;
  }

  /** Software evidence over `inspect` for `run`, signed by `signer` (default the node's own key). */
  evidence(
    node: TestNode,
    runId: string,
    nonce: string,
    ephemeral: BoxKeyPair,
    over: {
      inspect?: EditableInspect;
      signer?: Uint8Array;
      measurement?: Record<string, string>;
      time?: number;
    } = {},
  ): EvidenceDocument {
    const inspect = over.inspect ?? this.inspect;
    return signSoftwareEvidence(
      {
        version: 1,
        tier: 'software',
        nodeId: node.id,
        runId,
        nonce,
        measurement: {
          imageDigest: inspect.Image as string,
          containerConfigDigest: securityConfigDigest(inspect),
          seccompProfileDigest: seccompProfileDigest(SEALGATE_SECCOMP_JSON as SeccompProfileJson),
          supervisorDigest: SUPERVISOR,
          runtimeVersion: RUNTIME,
          ...over.measurement,
        },
        ephemeralPublicKey: bytesToBase64(ephemeral.publicKey),
        time: over.time ?? Math.floor(this.clock.ms / 1000),
      },
      over.signer ?? node.signing.secretKey,
    );
  }

  /** POST the evidence for `run` as `node`. */
  sendEvidence(
    node: TestNode,
    run: { runId: string; jobId: string },
    evidence: unknown,
    inspect: unknown = this.inspect,
  ) {
    return this.nodeApp.inject({
      method: 'POST',
      url: `/v1/node/runs/${run.runId}/evidence`,
      headers: node.headers,
      payload: { jobId: run.jobId, evidence, inspect },
    });
  }

  /** The run's current state. */
  async runState(runId: string): Promise<RunState> {
    return (await this.gw.app.gateway.runs.get(runId)).state;
  }
}

export { generateBoxKeyPair };
