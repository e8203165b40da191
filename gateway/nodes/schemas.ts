/** Wire schemas of the node routes, public and mTLS (docs/node-protocol.md sections 1, 2, 4). */
import { Type } from '@sinclair/typebox';
import { ModelDescriptorSchema } from '../../policies/index.js';
import { idPattern } from '../ids.js';
import { REVOCATION_REASONS } from '../../attest/index.js';
import { TOKEN_TTL } from './tokens.js';

export { ErrorReply } from '../http/schemas.js';

const AccountId = Type.String({ pattern: '^acct_[a-z2-7]{32}$' });
export const NodeId = Type.String({ pattern: '^node_[a-z2-7]{32}$', description: 'a node id' });
const JobId = Type.String({ pattern: idPattern('job') });
const RunId = Type.String({ pattern: idPattern('run') });
const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Time = Type.String({ format: 'date-time' });
const Count = Type.Number({ minimum: 0, maximum: 1e15 });
const Code = Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' });

export const EnrollTokenBody = Type.Object(
  {
    miner: AccountId,
    ttlSeconds: Type.Optional(
      Type.Integer({ minimum: TOKEN_TTL.min, maximum: TOKEN_TTL.max, default: TOKEN_TTL.default }),
    ),
  },
  { additionalProperties: false },
);
export const EnrollTokenReply = Type.Object({ token: Type.String(), expiresAt: Time });

export const EnrollBody = Type.Object(
  { token: Type.String({ maxLength: 256 }), csr: Type.String({ maxLength: 16_384 }) },
  { additionalProperties: false },
);
export const EnrollReply = Type.Object({
  nodeId: NodeId,
  certificate: Type.String(),
  caCertificate: Type.String(),
});
export const CaReply = Type.Object({ certificate: Type.String({ description: 'the node CA, PEM' }) });

export const NodeIdParams = Type.Object({ nodeId: NodeId }, { additionalProperties: false });
export const RevokeBody = Type.Object(
  {
    reason: Type.Optional(Type.Union(REVOCATION_REASONS.map((r) => Type.Literal(r)))),
  },
  { additionalProperties: false },
);

const Gpu = Type.Object(
  {
    index: Type.Integer({ minimum: 0, maximum: 255 }),
    uuid: Type.String({ maxLength: 128 }),
    name: Type.String({ maxLength: 256 }),
    memoryBytes: Count,
  },
  { additionalProperties: false },
);
const Capacity = Type.Object(
  {
    cpus: Type.Number({ minimum: 0, maximum: 4096 }),
    memoryBytes: Count,
    gpus: Type.Array(Gpu, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export const HeartbeatBody = Type.Object(
  {
    runtimeVersion: Type.String({ minLength: 1, maxLength: 64 }),
    capacity: Capacity,
    runs: Type.Array(RunId, { maxItems: 1024 }),
  },
  { additionalProperties: false },
);
const Action = Type.Union([Type.Literal('cancel'), Type.Literal('pause'), Type.Literal('resume')]);
export const HeartbeatReply = Type.Object({
  now: Time,
  heartbeatSeconds: Type.Number(),
  control: Type.Array(Type.Object({ runId: RunId, action: Action })),
});

export const JobsQuery = Type.Object(
  { waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, default: 0 })) },
  { additionalProperties: false },
);
const Limits = Type.Object({
  pids: Type.Integer(),
  memoryBytes: Type.Integer(),
  nanoCpus: Type.Integer(),
  wallSeconds: Type.Integer(),
  tmpfsBytes: Type.Integer(),
  gpus: Type.Integer(),
});
/**
 * The job's own single-use nonce (docs/node-protocol.md §3.1): bound to the
 * run, the job and the node, issued `ttlSeconds` before `expiresAt`. The node
 * may send its evidence over it at once instead of asking for a nonce.
 */
const JobNonce = Type.Object({ value: Type.String(), expiresAt: Time, ttlSeconds: Type.Integer() });
export const JobSchema = Type.Object({
  kind: Type.Union([Type.Literal('train'), Type.Literal('predict'), Type.Literal('audit')]),
  jobId: JobId,
  runId: RunId,
  inferenceId: Type.Optional(Type.String()),
  auditId: Type.Optional(Type.String()),
  modelBlob: Type.Optional(Type.Object({ digest: Digest, size: Type.Integer() })),
  image: Type.Object({ digest: Type.String(), archive: Type.Optional(Digest) }),
  model: ModelDescriptorSchema,
  data: Type.Object({ digest: Digest, size: Type.Integer() }),
  limits: Limits,
  params: Type.Object({
    steps: Type.Integer(),
    hyperparameters: Type.Object({}, { additionalProperties: true }),
  }),
  brokerPublicKey: Type.String(),
  inputs: Type.Optional(Type.String()),
  // issue 5: the dataset's egress channels (docs/egress-protocol.md section 3)
  egress: Type.Optional(
    Type.Object({
      channels: Type.Array(Type.Union([Type.Literal('metrics'), Type.Literal('logs')])),
      maxRecordBytes: Type.Integer(),
    }),
  ),
  // docs/sealing-figures.md: the key release's nonce, handed out with the job
  nonce: Type.Optional(JobNonce),
});
export const JobReply = Type.Object({ job: JobSchema });

export const RunParams = Type.Object({ runId: RunId }, { additionalProperties: false });
// issue 5: egress records replace metrics (docs/egress-protocol.md section 3)
const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const EgressBody = Type.Object(
  {
    jobId: JobId,
    records: Type.Array(
      Type.Union([
        Type.Object(
          {
            seq: Seq,
            channel: Type.Literal('metrics'),
            metric: Type.String({ maxLength: 64 }),
            step: Type.Integer({ minimum: 0 }),
            value: Type.Number(),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { seq: Seq, channel: Type.Literal('logs'), text: Type.String({ maxLength: 1 << 20 }) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            seq: Seq,
            channel: Type.Literal('refused'),
            reason: Type.Union([
              Type.Literal('free-text'),
              Type.Literal('undeclared-metric'),
              Type.Literal('malformed'),
              Type.Literal('overlong'),
            ]),
            bytes: Type.Integer({ minimum: 0 }),
          },
          { additionalProperties: false },
        ),
      ]),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export const EgressReply = Type.Object({ stop: Type.Boolean() });
const Base64 = Type.String({ maxLength: 4096, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const ReceiptBody = Type.Object(
  {
    version: Type.Literal(1),
    runId: RunId,
    jobId: JobId,
    nodeId: NodeId,
    steps: Type.Integer({ minimum: 0 }),
    cpuSeconds: Count,
    gpuSeconds: Count,
    durationSeconds: Count,
    exitCode: Type.Integer(),
    deployment: Type.Object(
      {
        timestamp: Type.String({ maxLength: 64 }),
        nodeAddress: NodeId,
        imageId: Type.String({ maxLength: 128 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const CompleteBody = Type.Object(
  {
    jobId: JobId,
    output: Type.Object(
      {
        digest: Digest,
        size: Type.Integer({ minimum: 0 }),
        wrappedKey: Base64,
        keyId: Type.String({ maxLength: 128 }),
      },
      { additionalProperties: false },
    ),
    receipt: Type.Object({ body: ReceiptBody, signature: Base64 }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export const FailBody = Type.Object(
  { jobId: JobId, code: Code, message: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false },
);
export const RunStateReply = Type.Object({ runId: RunId, state: Type.String() });

/** A node: id, online, capacity and success rate for anyone signed; the rest for the operator only. */
export const NodeView = Type.Object({
  id: NodeId,
  online: Type.Boolean(),
  capacity: Type.Union([Capacity, Type.Null()]),
  successRate: Type.Union([Type.Number(), Type.Null()], { description: 'jobs done / (done + abandoned)' }),
  miner: Type.Optional(AccountId),
  publicKey: Type.Optional(Type.String()),
  serial: Type.Optional(Type.String()),
  enrolledAt: Type.Optional(Time),
  lastHeartbeat: Type.Optional(Time),
  runtimeVersion: Type.Optional(Type.String()),
  running: Type.Optional(Type.Array(Type.String())),
  faults: Type.Optional(Type.Array(Type.Object({ runId: Type.String(), kind: Type.String(), at: Time }))),
  revoked: Type.Optional(Time),
});
export const NodeListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(NodeId),
  },
  { additionalProperties: false },
);
export const NodePage = Type.Object({ items: Type.Array(NodeView), next: Type.Union([NodeId, Type.Null()]) });
