/** Policy documents: schemas with defaults, parsed before use (DESIGN.md sections 7, 9). */
export { PolicyError } from './parse.js';
export type { PolicyErrorCode } from './parse.js';
export { KeyReleasePolicySchema, parseKeyReleasePolicy, tierAtLeast, Digest } from './key-release.js';
export type { KeyReleasePolicy } from './key-release.js';
export { EgressPolicySchema, parseEgressPolicy, OutputChannel, Decoder, EgressAction } from './egress.js';
export type { EgressPolicy } from './egress.js';
export { EconomicsParametersSchema, parseEconomicsParameters, Amount } from './economics.js';
export type { EconomicsParameters } from './economics.js';
export { DatasetPolicySchema, parseDatasetPolicy } from './dataset.js';
export type { DatasetPolicy } from './dataset.js';
export { ModelDescriptorSchema, parseModelDescriptor, MetricName } from './model.js';
export type { ModelDescriptor } from './model.js';
