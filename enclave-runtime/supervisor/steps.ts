/**
 * The supervisor's work after `hello` (supervisor.ts), in one module that
 * supervisor.ts imports dynamically right after sending `hello`: tweetnacl
 * (the key unwrap), the envelope's decryption, the model runner, sealing and
 * wiping load while the agent fetches the key, not before the container can
 * say hello (docs/sealing-figures.md).
 */
export { unwrapKey } from '../../attest/keywrap.js';
export { inputPaths, writeInputs } from './inputs.js';
export { runModel } from './model.js';
export { sealOutput } from './seal.js';
export { cpuSeconds } from './usage.js';
export { wipeTree } from './wipe.js';
