import { CloneType, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { EgressPolicySchema, parseEgressPolicy } from './egress.js';
import { KeyReleasePolicySchema, parseKeyReleasePolicy } from './key-release.js';
import { PolicyError } from './parse.js';

/** A dataset's whole policy as a seller posts it: who gets the key, and what may leave. */
export const DatasetPolicySchema = Type.Object(
  {
    release: CloneType(KeyReleasePolicySchema, { default: {} }),
    egress: CloneType(EgressPolicySchema, { default: {} }),
  },
  { additionalProperties: false },
);

export type DatasetPolicy = Static<typeof DatasetPolicySchema>;

/** Parse a dataset policy; a bad field is named by its full path, e.g. `/egress/scan/shingleSize`. */
export function parseDatasetPolicy(input: unknown): DatasetPolicy {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PolicyError('', 'expected a JSON object');
  }
  const doc = input as Record<string, unknown>;
  const unknown = Object.keys(doc).find((k) => k !== 'release' && k !== 'egress');
  if (unknown !== undefined) throw new PolicyError(`/${unknown}`, 'Unexpected property');
  return {
    release: within('/release', () => parseKeyReleasePolicy(doc.release ?? {})),
    egress: within('/egress', () => parseEgressPolicy(doc.egress ?? {})),
  };
}

function within<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof PolicyError) {
      throw new PolicyError(prefix + err.path, err.message.slice(err.message.indexOf(': ') + 2));
    }
    throw err;
  }
}
