export { nvidiaGpus, parseNvidiaSmi, NVIDIA_SMI_ARGS, type Exec } from './nvidia-smi.js';
