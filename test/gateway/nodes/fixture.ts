/**
 * A market with nodes, for the node tests: a gateway over LevelDB in a temp
 * dir with a movable frozen clock that starts at the real time (OpenSSL checks
 * certificate dates against the real clock during the handshake), the nodes'
 * mTLS listener on loopback, accounts made through the real route, a dataset
 * and a model written as the catalog would (test/gateway/runs/market.ts), and
 * fake nodes that enroll through the real routes with CSRs made by attest/pki
 * and then speak the protocol over real mutual TLS.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import nacl from 'tweetnacl';
import { bytesToBase64, canonicalizeBytes, createNodeCsr, signDetached } from '../../../attest/index.js';
import { parseModelDescriptor } from '../../../policies/index.js';
import type { UsageReceipt } from '../../../attest/index.js';
import { USAGE_RECEIPT_LABEL } from '../../../attest/index.js';
import type { GatewayOptions, RunRecord } from '../../../gateway/index.js';
import { buildNodeApp } from '../../../gateway/index.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { gatewayForTest, signedInject } from '../../helpers/gateway.js';
import { credit, datasetRecord, modelRecord, putCatalog } from '../runs/market.js';
import type { LightMyRequestResponse } from 'fastify';
import { sharedTlsKeyPem } from '../../helpers/tls-key.js';

/** A reply from the nodes' listener. */
export interface NodeReply {
  readonly status: number;
  readonly body: Buffer;
  json<T = Record<string, unknown>>(): T;
  readonly code: string | undefined;
}

/** TLS client credentials. */
export interface Credentials {
  readonly key: string;
  readonly cert: string;
}

/** Call the nodes' listener on `port`, trusting `caPem`, with `client` credentials (or none). */
export function nodeCall(
  port: number,
  caPem: string,
  client: Credentials | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<NodeReply> {
  const raw = Buffer.isBuffer(body);
  const payload = body === undefined ? undefined : raw ? body : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca: caPem,
        agent: false,
        ...(client ? { key: client.key, cert: client.cert } : {}),
        headers: payload
          ? {
              'content-type': raw ? 'application/octet-stream' : 'application/json',
              'content-length': payload.length,
            }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const json = <T>(): T => JSON.parse(bytes.toString()) as T;
          let code: string | undefined;
          try {
            code = json<{ error?: { code?: string } }>().error?.code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: bytes, json, code });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** An enrolled fake node. */
export interface FakeNode {
  readonly nodeId: string;
  readonly secretKey: Uint8Array;
  readonly credentials: Credentials;
  call(method: string, path: string, body?: unknown): Promise<NodeReply>;
  heartbeat(runs?: string[]): Promise<NodeReply>;
  /** A usage receipt for `runId`/`jobId`, signed by this node's key (or `key`). */
  receipt(runId: string, jobId: string, key?: Uint8Array): { body: UsageReceipt; signature: string };
}

export interface NodeMarket {
  readonly gw: TestGateway;
  readonly seller: TestAccount;
  readonly buyer: TestAccount;
  readonly publisher: TestAccount;
  readonly miner: TestAccount;
  readonly port: number;
  readonly caPem: string;
  advance(ms: number): void;
  as(who: TestAccount, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** A fresh enrollment token for the market's miner. */
  token(ttlSeconds?: number): Promise<string>;
  /** Enroll a new node through the real routes and send its first heartbeat. */
  node(capacity?: { cpus: number; memoryBytes: number }): Promise<FakeNode>;
  /** Quote and start a run as the buyer (queued), with the buyer's `hyperparameters` if given. */
  startRun(steps?: number, hyperparameters?: Record<string, unknown>): Promise<RunRecord>;
}

const GIB = 1024 ** 3;

/** Build the market; `options` reach buildApp. */
export async function nodeMarket(t: Test, options: Partial<GatewayOptions> = {}): Promise<NodeMarket> {
  let now = Date.now();
  const gw = await gatewayForTest(t, {
    now: () => new Date(now),
    nodeCaBits: 2048,
    sweepSeconds: 3600,
    ...options,
  });
  const [seller, buyer, publisher, miner] = await Promise.all([
    gw.account('seller'),
    gw.account('buyer'),
    gw.account('publisher'),
    gw.account('miner'),
  ]);
  const at = new Date(now);
  const dataset = datasetRecord(seller.id, at);
  const base = modelRecord(publisher.id, at);
  const model = {
    ...base,
    descriptor: parseModelDescriptor({
      ...base.descriptor,
      entrypoints: { train: ['/bin/train'], predict: ['/bin/predict'] },
      resources: { cpus: 2, memoryMiB: 1024 },
    }),
  };
  await putCatalog(gw, { dataset, model });
  await credit(gw, buyer.id, 10n ** 12n);

  const nodeApp = await buildNodeApp(gw.app.gateway);
  t.teardown(() => nodeApp.close());
  await nodeApp.listen({ host: '127.0.0.1', port: 0 });
  const port = (nodeApp.server.address() as AddressInfo).port;
  const caPem = (await gw.app.gateway.nodes.registry.pki()).ca.certPem;

  const as = (who: TestAccount, method: string, url: string, body?: unknown) =>
    signedInject(gw.app, { method, url, body, key: who.key, now: gw.app.gateway.now() });

  const market: NodeMarket = {
    gw,
    seller,
    buyer,
    publisher,
    miner,
    port,
    caPem,
    advance: (ms) => void (now += ms),
    as,
    async token(ttlSeconds) {
      const res = await as(gw.operator, 'POST', '/v1/admin/enroll-tokens', {
        miner: miner.id,
        ...(ttlSeconds ? { ttlSeconds } : {}),
      });
      if (res.statusCode !== 201) throw new Error(`token: ${res.body}`);
      return res.json<{ token: string }>().token;
    },
    async node(capacity = { cpus: 4, memoryBytes: 8 * GIB }) {
      const secretKey = nacl.sign.keyPair().secretKey;
      const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: secretKey, tlsKey: sharedTlsKeyPem() });
      const enrolled = await nodeCall(port, caPem, undefined, 'POST', '/v1/node/enroll', {
        token: await market.token(),
        csr: csrPem,
      });
      if (enrolled.status !== 201) throw new Error(`enroll: ${enrolled.body.toString()}`);
      const { nodeId, certificate } = enrolled.json<{ nodeId: string; certificate: string }>();
      const credentials = { key: tlsKeyPem, cert: certificate };
      const call = (method: string, path: string, body?: unknown) =>
        nodeCall(port, caPem, credentials, method, path, body);
      const node: FakeNode = {
        nodeId,
        secretKey,
        credentials,
        call,
        heartbeat: (runs = []) =>
          call('POST', '/v1/node/heartbeat', {
            runtimeVersion: '1.0.0',
            capacity: { ...capacity, gpus: [] },
            runs,
          }),
        receipt(runId, jobId, key = secretKey) {
          const body: UsageReceipt = {
            version: 1,
            runId,
            jobId,
            nodeId,
            steps: 100,
            cpuSeconds: 12.5,
            gpuSeconds: 0,
            durationSeconds: 14,
            exitCode: 0,
            deployment: {
              timestamp: new Date(now).toISOString(),
              nodeAddress: nodeId,
              imageId: model.image.digest,
            },
          };
          return {
            body,
            signature: bytesToBase64(signDetached(USAGE_RECEIPT_LABEL, canonicalizeBytes(body), key)),
          };
        },
      };
      await node.heartbeat();
      return node;
    },
    async startRun(steps = 100, hyperparameters?: Record<string, unknown>) {
      const quote = await as(buyer, 'POST', '/v1/quotes', {
        dataset: dataset.id,
        model: model.id,
        steps,
        ...(hyperparameters ? { hyperparameters } : {}),
      });
      const run = await as(buyer, 'POST', '/v1/runs', { quote: quote.json<{ id: string }>().id });
      if (run.statusCode !== 201) throw new Error(`start: ${run.body}`);
      return run.json<RunRecord>();
    },
  };
  return market;
}
