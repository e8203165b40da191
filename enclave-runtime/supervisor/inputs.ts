/**
 * Putting the run's inputs in the plaintext tmpfs (docs/node-protocol.md
 * section 5): the envelope at /sealed/ciphertext decrypts, streaming, to
 * /sealed/input/data (train, loss) or, for predict, the sealed model's bundle
 * unpacks into /sealed/input/model/ and the queries go to
 * /sealed/input/queries.jsonl; for loss (the audit, docs/audit.md), the data
 * (the canary set) decrypts as for train and the sealed model at
 * /sealed/model-ciphertext unpacks into /sealed/input/model/ under its own key.
 * The parameters go to /sealed/input/params.json.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream } from '../../attest/envelope/index.js';
import { isSealgateError } from '../../attest/errors.js';
import { unpackBundle, type BundleLimits } from './bundle.js';
import { SupervisorError } from './errors.js';
import type { RunMessage } from './protocol.js';

/** Where things are inside the container; tests point them at a temporary directory. */
export interface SealedPaths {
  /** The read-only ciphertext bind. */
  readonly ciphertext: string;
  /** Loss mode: the read-only bind of the sealed model's ciphertext (default /sealed/model-ciphertext). */
  readonly modelCiphertext?: string;
  /** The plaintext tmpfs for inputs. */
  readonly input: string;
  /** The tmpfs the model writes its artifacts to. */
  readonly output: string;
}

/** The paths the model finds in params.json (and params.json's own in SEALGATE_PARAMS). */
export function inputPaths(paths: SealedPaths) {
  return {
    data: join(paths.input, 'data'),
    model: join(paths.input, 'model'),
    queries: join(paths.input, 'queries.jsonl'),
    params: join(paths.input, 'params.json'),
    output: paths.output,
  };
}

function plaintext(paths: SealedPaths, key: Uint8Array, file = paths.ciphertext): AsyncGenerator<Uint8Array> {
  return decryptStream(createReadStream(file), { key });
}

// Envelope failures name their rule (ENVELOPE_*) and never the plaintext; I/O errors stay internal.
function decryptFailure(cause: unknown): never {
  if (cause instanceof SupervisorError) throw cause;
  if (isSealgateError(cause)) {
    throw new SupervisorError('SUPERVISOR_DECRYPT', `the ciphertext does not decrypt (${cause.code})`, {
      cause,
    });
  }
  throw new SupervisorError('SUPERVISOR_DECRYPT', 'the ciphertext cannot be read', { cause });
}

/**
 * Decrypts and writes every input of `run` with `key` (the unwrapped data or
 * model key) and, in loss mode, `modelKey` (the sealed model's). Throws
 * `SUPERVISOR_DECRYPT`, `SUPERVISOR_BUNDLE` or `SUPERVISOR_INTERNAL`.
 */
export async function writeInputs(
  paths: SealedPaths,
  run: RunMessage,
  key: Uint8Array,
  limits: BundleLimits,
  modelKey?: Uint8Array,
): Promise<void> {
  const where = inputPaths(paths);
  if (run.mode === 'loss') {
    if (modelKey === undefined) throw new SupervisorError('SUPERVISOR_KEY', 'loss mode needs the model key');
    await mkdir(where.model, { mode: 0o700 }).catch(internal);
    const modelFile = paths.modelCiphertext ?? '/sealed/model-ciphertext';
    await unpackBundle(plaintext(paths, modelKey, modelFile), where.model, limits).catch(decryptFailure);
  }
  if (run.mode === 'predict') {
    await mkdir(where.model, { mode: 0o700 }).catch(internal);
    await unpackBundle(plaintext(paths, key), where.model, limits).catch(decryptFailure);
    await writeFile(where.queries, run.inputs ?? '', { mode: 0o600, flag: 'wx' }).catch(internal);
  } else {
    await pipeline(
      Readable.from(plaintext(paths, key)),
      createWriteStream(where.data, { mode: 0o600, flags: 'wx' }),
    ).catch(decryptFailure);
  }
  const params = {
    mode: run.mode,
    steps: run.params.steps,
    hyperparameters: run.params.hyperparameters,
    paths: where,
  };
  await writeFile(where.params, `${JSON.stringify(params)}\n`, { mode: 0o600, flag: 'wx' }).catch(internal);
}

function internal(cause: unknown): never {
  throw new SupervisorError('SUPERVISOR_INTERNAL', 'cannot write the inputs', { cause });
}
