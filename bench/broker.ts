/**
 * The key-release benchmark (issue 4 figures, docs/broker.md): the broker's
 * work for one release — parse the evidence, digest and judge the inspect
 * document against the sandbox profile, judge the evidence with attest's
 * rules (an Ed25519 verify on WebCrypto), check the policy, unwrap the data
 * key from the broker's box and seal it to the container's ephemeral key
 * (X25519 on WebCrypto, attest/keywrap-fast.ts) —
 * as median and p95 against a same-run baseline of one bare Ed25519 verify,
 * and releases per second on one core (this process is single-threaded).
 * Target: median under 5 ms. The inspect document is the recorded
 * `test/fixtures/inspect/api.json` (a real container created from
 * sandboxContainerConfig), judged with Docker's default seccomp profile it
 * was made with. LevelDB's synced batch is not part of this figure.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bytesToBase64,
  generateBoxKeyPair,
  generateDataKey,
  generateSigningKeyPair,
  nodeId,
  parseEvidence,
  randomNonce,
  signSoftwareEvidence,
  softwareSigningInput,
  unwrapKeyFast,
  verifyEd25519,
  wrapKey,
  wrapKeyFast,
} from '../attest/index.js';
import type { SeccompProfileJson } from '../policies/index.js';
import { sandboxProfile, seccompProfileDigest, securityConfigDigest } from '../policies/index.js';
import type { BrokerStandards } from '../gateway/index.js';
import {
  checkInspect,
  checkPolicy,
  expectationsFor,
  inspectConfigDigest,
  judgeRelease,
} from '../gateway/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';

const ROUNDS = Number(process.env.SEALGATE_BENCH_BROKER_ROUNDS ?? 400);
const root = new URL('../../', import.meta.url); // dist/bench/ -> the worktree root
const json = (path: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(path, root)), 'utf8'));

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function timeEach(rounds: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

/** One release's pure work over fresh evidence per round (what `KeyBroker.release` does besides storage). */
export function setUpRelease(): {
  release: () => Promise<Uint8Array>;
  verify: () => Promise<boolean>;
} {
  const inspect = json('test/fixtures/inspect/api.json') as { Image: string };
  const seccomp = json('test/fixtures/reference/docker-default-seccomp.json') as SeccompProfileJson;
  const profile = sandboxProfile({ seccomp });
  const supervisor = `sha256:${'5e'.repeat(32)}`;
  const standards: BrokerStandards = {
    profile,
    seccompProfileDigest: seccompProfileDigest(seccomp),
    supervisorDigests: [supervisor],
    runtimeVersions: ['0.4.0'],
    evidenceTtlSeconds: 120,
    skewSeconds: 60,
  };
  const node = generateSigningKeyPair();
  const broker = generateBoxKeyPair();
  const wrappedDek = wrapKey(generateDataKey(), broker.publicKey);
  const policy = {
    allowedModels: [inspect.Image],
    minTier: 'software' as const,
    custody: 'broker' as const,
    maxRuns: null,
    expiresAt: null,
    minBuyerRating: 0,
  };
  const id = nodeId(node.publicKey);
  const runId = 'run_benchbenchbenchbenchbenchbe';
  const make = () => {
    const nonce = randomNonce(32);
    const eph = generateBoxKeyPair();
    const doc = signSoftwareEvidence(
      {
        version: 1,
        tier: 'software',
        nodeId: id,
        runId,
        nonce,
        measurement: {
          imageDigest: inspect.Image,
          containerConfigDigest: securityConfigDigest(inspect),
          seccompProfileDigest: standards.seccompProfileDigest,
          supervisorDigest: supervisor,
          runtimeVersion: '0.4.0',
        },
        ephemeralPublicKey: bytesToBase64(eph.publicKey),
        time: Math.floor(Date.now() / 1000),
      },
      node.secretKey,
    );
    return { nonce, doc: JSON.parse(JSON.stringify(doc)) as unknown };
  };
  const pool = Array.from({ length: 64 }, make);
  let i = 0;
  const release = async (): Promise<Uint8Array> => {
    const { nonce, doc } = pool[i++ % pool.length];
    const now = new Date();
    const evidence = parseEvidence(doc);
    const configDigest = inspectConfigDigest(inspect);
    checkInspect(inspect, configDigest, evidence, profile);
    const x = expectationsFor(
      {
        nodeId: id,
        nodePublicKey: node.publicKey,
        runId,
        nonce,
        nonceIssuedAt: now,
        imageDigest: inspect.Image,
        allowedImageDigests: policy.allowedModels,
        minimumLevel: 'software',
        now,
      },
      standards,
    );
    await judgeRelease(evidence, x, configDigest);
    checkPolicy(policy, now);
    const dek = await unwrapKeyFast(wrappedDek, broker);
    const sealed = await wrapKeyFast(dek, evidence.ephemeralPublicKey);
    dek.fill(0);
    return sealed;
  };
  const body = parseEvidence(pool[0].doc);
  const message = softwareSigningInput(body.body);
  const verify = () => verifyEd25519(message, body.signature, node.publicKey);
  return { release, verify };
}

export const broker: Benchmark = {
  name: 'broker',
  async run(log) {
    const { release, verify } = setUpRelease();
    await timeEach(50, release); // warm up
    await timeEach(50, verify);
    log(`key release: ${ROUNDS} rounds`);
    const base = await timeEach(ROUNDS, verify);
    const times = await timeEach(ROUNDS, release);
    const median = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    const baseMedian = quantile(base, 0.5);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const rows: BenchRow[] = [
      {
        metric: 'key release median (evidence + policy + wrap)',
        value: `${median.toFixed(2)} ms`,
        target: '< 5 ms',
        ok: median < 5,
        note: `${ratio(median / baseMedian)} one Ed25519 verify (${baseMedian.toFixed(2)} ms)`,
      },
      {
        metric: 'key release p95',
        value: `${p95.toFixed(2)} ms`,
        target: '',
        note: `${ratio(p95 / baseMedian)} one Ed25519 verify`,
      },
      { metric: 'key releases per second, one core', value: `${Math.round(1000 / mean)}/s`, target: '' },
    ];
    return rows;
  },
};
