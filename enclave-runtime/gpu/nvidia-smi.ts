/**
 * The node's GPU inventory from `nvidia-smi` (NVIDIA System Management Interface,
 * nvidia-smi(1), "QUERY OPTIONS": `--query-gpu` with `--format=csv,noheader,nounits`
 * prints one line per GPU, fields separated by ", ", memory in MiB). No binary, no GPU.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DriverError, oneLine } from '../docker/errors.js';
import type { GpuInfo } from '../docker/types.js';

/** The arguments of the query: index, UUID, product name and total memory (MiB, no units). */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,uuid,name,memory.total',
  '--format=csv,noheader,nounits',
];

const MIB = 1024 ** 2;

/**
 * Parses the query's CSV output (see {@link NVIDIA_SMI_ARGS}). Throws DriverError
 * RUNTIME_GPU_QUERY for a line that is not `index, uuid, name, memory`.
 *
 * @example
 * ```ts
 * parseNvidiaSmi('0, GPU-5f1c…, NVIDIA A100-SXM4-40GB, 40960\n');
 * // [{ index: 0, uuid: 'GPU-5f1c…', name: 'NVIDIA A100-SXM4-40GB', memoryBytes: 42949672960 }]
 * ```
 */
export function parseNvidiaSmi(output: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    // The name is the only field that could hold a comma; index, uuid and memory never do.
    const [index, uuid, ...rest] = fields;
    const memory = rest.pop();
    const name = rest.join(', ');
    if (
      !/^\d+$/.test(index) ||
      uuid === undefined ||
      !/^(GPU|MIG)-[0-9A-Za-z-]+$/.test(uuid) ||
      name === '' ||
      memory === undefined ||
      !/^\d+$/.test(memory)
    ) {
      throw new DriverError('RUNTIME_GPU_QUERY', `nvidia-smi printed an unexpected line: ${oneLine(line)}`);
    }
    gpus.push({ index: Number(index), uuid, name, memoryBytes: Number(memory) * MIB });
  }
  return gpus;
}

/** Runs a program and returns its stdout; rejects like `execFile` (with `code` ENOENT when absent). */
export type Exec = (file: string, args: readonly string[]) => Promise<string>;

const run = promisify(execFile);

const execHost: Exec = async (file, args) =>
  (await run(file, [...args], { timeout: 10_000, encoding: 'utf8' })).stdout;

/**
 * The host's GPUs from `nvidia-smi`: `[]` when the binary is absent (ENOENT).
 * A present binary that fails (no driver loaded, a timeout) throws RUNTIME_GPU_QUERY.
 */
export async function nvidiaGpus(exec: Exec = execHost, binary = 'nvidia-smi'): Promise<GpuInfo[]> {
  let stdout: string;
  try {
    stdout = await exec(binary, NVIDIA_SMI_ARGS);
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === 'ENOENT') return [];
    const message = err instanceof Error ? err.message : String(err);
    throw new DriverError('RUNTIME_GPU_QUERY', `nvidia-smi failed: ${oneLine(message)}`, { cause: err });
  }
  return parseNvidiaSmi(stdout);
}
