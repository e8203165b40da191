/**
 * The operator's economics document for `sealgate gateway start --economics
 * FILE` (SEALGATE_GATEWAY_ECONOMICS, `economics` in the config file): a JSON
 * object of DESIGN.md section 9's parameters (policies/documents/economics.ts;
 * missing fields take their defaults), read and checked before the gateway
 * opens anything. A bad document is one line naming the file and the JSON
 * Pointer of the first bad field (docs/operations.md).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../client/index.js';
import type { EconomicsParameters } from '../../policies/index.js';
import { PolicyError, parseEconomicsParameters } from '../../policies/index.js';

/**
 * Read and parse the economics document at `path` (`origin` says where the
 * path came from, for the message). CONFIG_UNREADABLE when it cannot be read,
 * CONFIG_INVALID when it is not JSON or a field is wrong.
 * @example readEconomicsFile('economics.json', '--economics').bonds.minimumBond // '0'
 */
export function readEconomicsFile(path: string, origin: string): EconomicsParameters {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cannot read the economics file ${path} (${origin}; ${code})`,
      {
        cause: err,
      },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ConfigError('CONFIG_INVALID', `the economics file ${path} (${origin}) is not valid JSON`);
  }
  try {
    return parseEconomicsParameters(document);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    // The PolicyError's message is `/json/pointer: what is wrong`, the field first.
    throw new ConfigError('CONFIG_INVALID', `economics file ${path}: ${err.message}`, { cause: err });
  }
}
