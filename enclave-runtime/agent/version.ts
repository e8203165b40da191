/**
 * The runtime version the node reports (heartbeat) and measures (evidence
 * `runtimeVersion`): sealgate's package version, read from package.json at the
 * repository root (dist/enclave-runtime/agent/ is three levels below it).
 */
import { readFile } from 'node:fs/promises';

/** The version in the root package.json, e.g. `0.1.0` (the evidence schema allows [0-9A-Za-z.+_-]). */
export async function runtimeVersion(): Promise<string> {
  const text = await readFile(new URL('../../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new TypeError('package.json has no version');
  return version;
}
