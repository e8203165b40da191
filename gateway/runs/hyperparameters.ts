/**
 * A buyer's hyperparameters (issue 4, docs/hyperparameters.md): a small flat
 * object of string, number and boolean values that the quote stores, the run
 * copies and the job hands to the model as `params.hyperparameters`
 * (DESIGN.md 6.5, docs/node-protocol.md 5). The route's schema refuses a bad
 * shape with HTTP_INVALID; {@link checkHyperparameters} re-checks every rule
 * for any other caller of the run service and adds the size limit, which no
 * JSON schema can state.
 */
import { Type } from '@sinclair/typebox';
import { RunError } from './errors.js';

/** At most this many keys. */
export const HYPERPARAMETERS_MAX_KEYS = 32;
/** At most this many bytes of UTF-8 JSON (`JSON.stringify` of the object). */
export const HYPERPARAMETERS_MAX_BYTES = 4096;
/** A key: a letter, then letters, digits or `_`, 32 characters at most. */
export const HYPERPARAMETER_KEY = '^[A-Za-z][A-Za-z0-9_]{0,31}$';

const KEY = new RegExp(HYPERPARAMETER_KEY);

/** The wire schema (POST /v1/quotes `hyperparameters`, and the quote and run views). */
export const HyperparametersSchema = Type.Record(
  Type.String({ pattern: HYPERPARAMETER_KEY }),
  Type.Union([Type.String({ maxLength: HYPERPARAMETERS_MAX_BYTES }), Type.Number(), Type.Boolean()]),
  {
    additionalProperties: false,
    maxProperties: HYPERPARAMETERS_MAX_KEYS,
    description: `string, number or boolean values; at most ${HYPERPARAMETERS_MAX_KEYS} keys and ${HYPERPARAMETERS_MAX_BYTES} bytes of JSON`,
  },
);

/** Hyperparameters as stored and sent to the model. */
export type Hyperparameters = Readonly<Record<string, string | number | boolean>>;

function bad(message: string): RunError {
  return new RunError('RUN_BAD_HYPERPARAMETERS', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Check a buyer's hyperparameters and return a plain copy of them, or throw
 * RUN_BAD_HYPERPARAMETERS naming the broken rule: not an object, a bad key,
 * a value that is not a string, a finite number or a boolean, more than
 * {@link HYPERPARAMETERS_MAX_KEYS} keys or more than
 * {@link HYPERPARAMETERS_MAX_BYTES} bytes of JSON.
 *
 * @example
 * ```ts
 * checkHyperparameters({ host: '10.0.0.5', port: 8080 }); // → the same, copied
 * checkHyperparameters({ 'bad key': 1 }); // throws RUN_BAD_HYPERPARAMETERS
 * ```
 */
export function checkHyperparameters(value: unknown): Hyperparameters {
  if (!isPlainObject(value)) throw bad('hyperparameters are a JSON object');
  const entries = Object.entries(value);
  if (entries.length > HYPERPARAMETERS_MAX_KEYS) {
    throw bad(`at most ${HYPERPARAMETERS_MAX_KEYS} hyperparameters (got ${entries.length})`);
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [key, v] of entries) {
    if (!KEY.test(key)) throw bad(`hyperparameter names match ${HYPERPARAMETER_KEY}`);
    const ok =
      typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw bad(`hyperparameter ${key} is not a string, a finite number or a boolean`);
    out[key] = v;
  }
  const size = new TextEncoder().encode(JSON.stringify(out)).length;
  if (size > HYPERPARAMETERS_MAX_BYTES) {
    throw bad(`hyperparameters take ${size} bytes of JSON, at most ${HYPERPARAMETERS_MAX_BYTES}`);
  }
  return out;
}
