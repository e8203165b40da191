/** enclave-runtime/: see DESIGN.md section 3. Imports only attest/ and policies/. */
// the container engine as the agent sees it
export type {
  ContainerExit,
  ContainerLimits,
  ContainerRuntime,
  ContainerStdio,
  GpuInfo,
  SealedContainer,
  SealedContainerSpec,
} from './docker/types.js';
// images built FROM scratch with the host's Node runtime
export * from './image/index.js';
// the Docker driver (dockerode) and the GPU inventory (nvidia-smi)
export * from './docker/index.js';
export * from './gpu/index.js';
// the node agent: enrollment, heartbeats, the sealed job sequence
export * from './agent/index.js';
// the in-container supervisor, its staging and its digest
export * from './supervisor/index.js';
// --- end supervisor ---
