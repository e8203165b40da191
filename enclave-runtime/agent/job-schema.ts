/**
 * The job a node receives from `GET /v1/node/jobs` (docs/node-protocol.md §2),
 * parsed into a typed value before any of it is used: digests are checked for
 * their grammar, limits for their ranges, and the model descriptor with
 * policies' own parser. Unknown fields are ignored (the gateway may add some).
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ModelDescriptor } from '../../policies/index.js';
import { parseModelDescriptor } from '../../policies/index.js';
import { AgentError } from './errors.js';

const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const JobSchema = Type.Object({
  kind: Type.Union([Type.Literal('train'), Type.Literal('predict'), Type.Literal('audit')]),
  jobId: Id,
  runId: Id,
  /** Predict jobs: the inference the answers belong to (see the agent's notes in node-protocol.md). */
  inferenceId: Type.Optional(Id),
  /** Audit jobs: the audit the losses belong to, and the sealed model bound beside the canary set. */
  auditId: Type.Optional(Id),
  modelBlob: Type.Optional(Type.Object({ digest: Digest, size: Count })),
  image: Type.Object({ digest: Digest, archive: Type.Optional(Digest) }),
  model: Type.Unknown(),
  data: Type.Object({ digest: Digest, size: Count }),
  limits: Type.Object({
    pids: Type.Integer({ minimum: 1 }),
    memoryBytes: Type.Integer({ minimum: 1 }),
    nanoCpus: Type.Integer({ minimum: 1 }),
    wallSeconds: Type.Number({ exclusiveMinimum: 0 }),
    tmpfsBytes: Type.Integer({ minimum: 1 }),
    gpus: Type.Integer({ minimum: 0, maximum: 16 }),
  }),
  params: Type.Object({
    steps: Count,
    hyperparameters: Type.Record(Type.String(), Type.Unknown()),
  }),
  brokerPublicKey: Type.String({ minLength: 44, maxLength: 44 }),
  inputs: Type.Optional(Type.String()),
  /** issue 5: the dataset's egress channels (docs/egress-protocol.md section 3); absent: metrics only. */
  egress: Type.Optional(
    Type.Object({
      channels: Type.Array(Type.Union([Type.Literal('metrics'), Type.Literal('logs')]), { maxItems: 2 }),
      maxRecordBytes: Type.Integer({ minimum: 1, maximum: 1 << 20 }),
    }),
  ),
  /** The key release's nonce, handed out with the job (docs/node-protocol.md §3.1); absent: ask for one. */
  nonce: Type.Optional(
    Type.Object({
      value: Type.String({ minLength: 16, maxLength: 256 }),
      ttlSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    }),
  ),
});

/** A job as handed out by the gateway, with its model descriptor parsed. */
export type Job = Omit<Static<typeof JobSchema>, 'model'> & { readonly model: ModelDescriptor };

/**
 * Parse an untrusted job body. Throws AgentError AGENT_GATEWAY naming the
 * first bad field (the job cannot be run, and cannot safely be reported on).
 */
export function parseJob(input: unknown): Job {
  const first = Value.Errors(JobSchema, input).First();
  if (first) throw new AgentError('AGENT_GATEWAY', `malformed job: ${first.path || '/'} ${first.message}`);
  const job = input as Static<typeof JobSchema>;
  let model: ModelDescriptor;
  try {
    model = parseModelDescriptor(job.model);
  } catch (err) {
    throw new AgentError('AGENT_GATEWAY', `malformed job: /model ${(err as Error).message}`, { cause: err });
  }
  if (job.kind === 'predict' && (model.entrypoints.predict === undefined || job.inferenceId === undefined)) {
    throw new AgentError(
      'AGENT_GATEWAY',
      'malformed job: a predict job needs inferenceId and a predict entrypoint',
    );
  }
  if (
    job.kind === 'audit' &&
    (model.entrypoints.loss === undefined || job.auditId === undefined || job.modelBlob === undefined)
  ) {
    throw new AgentError(
      'AGENT_GATEWAY',
      'malformed job: an audit job needs auditId, modelBlob and a loss entrypoint',
    );
  }
  return {
    kind: job.kind,
    jobId: job.jobId,
    runId: job.runId,
    ...(job.inferenceId === undefined ? {} : { inferenceId: job.inferenceId }),
    ...(job.auditId === undefined ? {} : { auditId: job.auditId }),
    ...(job.modelBlob === undefined ? {} : { modelBlob: { ...job.modelBlob } }),
    image: { digest: job.image.digest, ...(job.image.archive ? { archive: job.image.archive } : {}) },
    model,
    data: { digest: job.data.digest, size: job.data.size },
    limits: { ...job.limits },
    params: { steps: job.params.steps, hyperparameters: { ...job.params.hyperparameters } },
    brokerPublicKey: job.brokerPublicKey,
    ...(job.inputs === undefined ? {} : { inputs: job.inputs }),
    ...(job.egress === undefined
      ? {}
      : { egress: { channels: [...job.egress.channels], maxRecordBytes: job.egress.maxRecordBytes } }),
    ...(job.nonce === undefined
      ? {}
      : { nonce: { value: job.nonce.value, ttlSeconds: job.nonce.ttlSeconds } }),
  };
}
