/**
 * How many GPUs a node seals containers with (docs/guides/miner.md, "A GPU
 * node"): `sealgate node start --max-gpus N`, else every GPU the inventory
 * finds, so a GPU node works as soon as nvidia-smi lists its cards. The
 * Docker driver then offers the first `maxGpus` GPUs of its inventory.
 */
import type { GpuInfo } from '../docker/types.js';
import { nvidiaGpus } from './nvidia-smi.js';

/**
 * The sandbox options for `dockerRuntime({ sandbox })`: `maxGpus` as given,
 * else the number of GPUs `inventory` (default nvidia-smi) lists. The
 * inventory is asked only when `maxGpus` is absent; its failure
 * (`RUNTIME_GPU_QUERY`) propagates. A `maxGpus` that is not an integer >= 0 is
 * a TypeError (the settings are parsed before).
 *
 * @example
 * ```ts
 * const runtime = dockerRuntime({ entrypoint, sandbox: await gpuSandbox(settings.maxGpus) });
 * ```
 */
export async function gpuSandbox(
  maxGpus: number | undefined,
  inventory: () => Promise<readonly GpuInfo[]> = () => nvidiaGpus(),
): Promise<{ maxGpus: number }> {
  if (maxGpus === undefined) return { maxGpus: (await inventory()).length };
  if (!Number.isSafeInteger(maxGpus) || maxGpus < 0) throw new TypeError('gpuSandbox: maxGpus must be >= 0');
  return { maxGpus };
}
