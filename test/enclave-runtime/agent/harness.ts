/**
 * Builds one job and the agent's collaborators from fakes (fakes.ts), so each
 * test states only what differs. The model descriptor is a minimal valid
 * model.json written for these tests.
 */
import type { Logger } from 'pino';
import type { Test } from 'tap';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, nodeId } from '../../../attest/index.js';
import type { Clock, JobEvent } from '../../../enclave-runtime/index.js';
import { JobRunner, NodeApi, parseJob, silentLogger } from '../../../enclave-runtime/index.js';
import { FakeGateway, FakeRuntime, sha } from './fakes.js';

export const DATA = Buffer.from('envelope ciphertext bytes '.repeat(100));
export const IMAGE = sha('model image');
export const SUPERVISOR = {
  path: '/opt/sealgate/supervisor',
  digest: sha('supervisor tree'),
  entrypoint: ['/x'],
};
export const NOW = new Date('2026-01-02T03:04:05.000Z');

export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'train',
    jobId: 'job_1',
    runId: 'run_1',
    image: { digest: IMAGE },
    model: {
      name: 'ref',
      version: '1',
      entrypoints: {
        train: ['/usr/bin/node', '/model/train.js'],
        predict: ['/usr/bin/node', '/model/predict.js'],
      },
      metrics: ['loss', 'accuracy'],
      unitCost: '2',
      baseFee: '10',
      benchmark: { steps: 10, seconds: 1 },
    },
    data: { digest: sha(DATA), size: DATA.length },
    limits: {
      pids: 64,
      memoryBytes: 256 * 1024 * 1024,
      nanoCpus: 1e9,
      wallSeconds: 60,
      tmpfsBytes: 1 << 26,
      gpus: 0,
    },
    params: { steps: 2, hyperparameters: { lr: 0.1 } },
    brokerPublicKey: Buffer.alloc(32, 9).toString('base64'),
    ...overrides,
  };
}

export interface Harness {
  readonly gateway: FakeGateway;
  readonly runtime: FakeRuntime;
  readonly dataDir: string;
  readonly keyPair: ReturnType<typeof generateSigningKeyPair>;
  readonly nodeId: string;
  readonly events: JobEvent[];
  /** `clock` defaults to one frozen at NOW. */
  runner(body?: Record<string, unknown>, gpuDeviceIds?: string[], clock?: Clock, logger?: Logger): JobRunner;
  /** The job directories still on disk. */
  leftovers(): Promise<string[]>;
}

export async function harness(t: Test): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-test-agent-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const gateway = new FakeGateway();
  gateway.blobs.set(sha(DATA), DATA);
  const runtime = new FakeRuntime();
  const keyPair = generateSigningKeyPair();
  const events: JobEvent[] = [];
  const id = nodeId(keyPair.publicKey);
  return {
    gateway,
    runtime,
    dataDir,
    keyPair,
    nodeId: id,
    events,
    runner(body = jobBody(), gpuDeviceIds = [], clock = { now: () => NOW }, logger = silentLogger()) {
      return new JobRunner(
        {
          api: new NodeApi(gateway),
          runtime,
          nodeId: id,
          nodeSecretKey: keyPair.secretKey,
          supervisor: SUPERVISOR,
          runtimeVersion: '0.1.0',
          dataDir,
          clock,
          logger,
          releasePollMs: 1,
          maxOutputBytes: 1 << 20,
          gpuDeviceIds,
          onJobEvent: (e) => events.push(e),
        },
        parseJob(body),
      );
    },
    async leftovers() {
      return readdir(join(dataDir, 'jobs')).catch(() => []);
    },
  };
}
