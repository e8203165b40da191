export { nvidiaGpus, parseNvidiaSmi, NVIDIA_SMI_ARGS, type Exec } from './nvidia-smi.js';
// how many GPUs a node seals with: its setting, else its inventory
export { gpuSandbox } from './offer.js';
