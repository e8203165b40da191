/** The node agent (`sealgate node start`): enrollment, loops, the sealed job sequence. */
export { AgentError, type AgentErrorCode } from './errors.js';
export { NodeAgent, type NodeAgentOptions } from './agent.js';
export { NodeApi, gatewayError, type Control, type ReleaseReply } from './api.js';
export {
  fetchCaUnverified,
  httpsNodeClient,
  type GatewayReply,
  type HttpsNodeClientOptions,
  type NodeHttpClient,
  type NodeTlsMaterial,
} from './http.js';
export {
  checkCaPin,
  loadOrCreateNodeKey,
  loadOrEnroll,
  parseEnrollToken,
  type EnrollToken,
  type EnrollTransport,
  type NodeIdentity,
} from './identity.js';
export { parseJob, type Job } from './job-schema.js';
export { evidenceBody, measuredSeccompDigest, signEvidence, type EvidenceInput } from './evidence.js';
export {
  METRIC_BATCH_MS,
  METRIC_BATCH_RECORDS,
  MetricBatcher,
  type MetricRecord as AgentMetricRecord,
} from './metrics.js';
// the wire types are the supervisor's (RunLine, SupervisorMessage: supervisor/protocol.ts)
export { jsonLines, parseSupervisorLine, runLine } from './messages.js';
export { createAgentLogger, silentLogger } from './logger.js';
export { JobRunner, type JobContext } from './job.js';
export { runtimeVersion } from './version.js';
// the job's own nonce (docs/sealing-figures.md)
export { freshJobNonce } from './key-release.js';
export { systemClock, type AbortReason, type Clock, type JobEvent, type SupervisorBundle } from './types.js';
