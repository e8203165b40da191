/** The in-container supervisor (docs/supervisor.md, docs/node-protocol.md section 5). */
export { runSupervisor, type SupervisorOptions } from './supervisor.js';
export { SupervisorError, type SupervisorErrorCode } from './errors.js';
export {
  SUPERVISOR_VERSION,
  parseRunMessage,
  type RunMessage,
  type RunMode,
  type SupervisorMessage,
} from './protocol.js';
// one wire type for both sides: the agent writes RunLine and parses SupervisorMessage
export type { RefusedReason, RunLine } from './protocol.js';
export { filterLine, type AnswerRecord, type FilterRules, type MetricRecord } from './filter.js';
export { LineSplitter, type Line } from './lines.js';
export {
  BUNDLE_MAGIC,
  packTree,
  unpackBundle,
  type BundleEntry,
  type BundleLimits,
  type PackedBundle,
} from './bundle.js';
export { wipeTree, OVERWRITE_LIMIT } from './wipe.js';
export { cpuSeconds, childSeconds } from './usage.js';
export { OUTPUT_CHUNK_BYTES, sealOutput, type SealedOutput } from './seal.js';
export { inputPaths, type SealedPaths } from './inputs.js';
export {
  SUPERVISOR_MOUNT,
  stageSupervisor,
  supervisorDigest,
  type StageOptions,
  type StagedSupervisor,
} from './stage.js';
export { digestOf, treeDigest, type TreeFile } from './tree-digest.js';
export { importClosure, importSpecifiers, packageClosure } from './trace.js';
