import { CloneType, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Amount, ResourceRatesSchema } from './economics.js';
import { parseDocument } from './parse.js';

/** An argv: the program and its arguments, run inside the sealed container (no shell). */
const Argv = Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: 64 });

/** A metric name the model may emit (DESIGN.md 6.5): lowercase, short, no spaces. */
export const MetricName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' });

/**
 * `model.json`, the model contract (DESIGN.md 6.5): how to run each mode,
 * which metrics it emits, what it needs, and what it costs. Prices are fiat
 * base units (economics.fiat): `unitCost` per step, `baseFee` per run, the
 * publisher's earnings. `benchmark` is the reference measurement that unit
 * costs are balanced from (DESIGN.md 9).
 */
export const ModelDescriptorSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    version: Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$' }),
    description: Type.String({ maxLength: 4096, default: '' }),
    entrypoints: Type.Object(
      { train: Argv, predict: Type.Optional(Argv), loss: Type.Optional(Argv) },
      { additionalProperties: false },
    ),
    metrics: Type.Array(MetricName, { minItems: 1, maxItems: 32, uniqueItems: true }),
    resources: Type.Object(
      {
        cpus: Type.Number({ exclusiveMinimum: 0, maximum: 256, default: 1 }),
        memoryMiB: Type.Integer({ minimum: 16, maximum: 1024 * 1024, default: 512 }),
        gpus: Type.Integer({ minimum: 0, maximum: 16, default: 0 }),
        /** Plaintext tmpfs for the decrypted dataset and outputs. */
        tmpfsMiB: Type.Integer({ minimum: 1, maximum: 1024 * 1024, default: 1024 }),
        pids: Type.Integer({ minimum: 8, maximum: 65_536, default: 256 }),
        /** Wall-clock limit of one run. */
        maxSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 3600 }),
      },
      { additionalProperties: false, default: {} },
    ),
    unitCost: CloneType(Amount, { description: 'fiat base units per step' }),
    baseFee: CloneType(Amount, { description: 'fiat base units per run, to the publisher' }),
    /** The most steps a run may ask for. */
    maxSteps: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 1_000_000 }),
    /**
     * By-use pricing (issue 6): when present the run is charged by the resources it used at
     * these rates (docs/pricing.md) instead of unit cost × steps; `gflopsPerStep` turns steps
     * into FLOPs for a `gflop` rate.
     */
    charges: Type.Optional(
      Type.Object(
        {
          rates: ResourceRatesSchema,
          gflopsPerStep: Type.Number({ minimum: 0, maximum: 1e12, default: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    benchmark: Type.Object(
      {
        steps: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
        seconds: Type.Number({ exclusiveMinimum: 0, maximum: 1e9 }),
        hardware: Type.String({ maxLength: 256, default: '' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type ModelDescriptor = Static<typeof ModelDescriptorSchema>;

/** Parse `model.json`, with defaults; throws `PolicyError` naming the bad field. */
export function parseModelDescriptor(input: unknown): ModelDescriptor {
  return parseDocument(ModelDescriptorSchema, input);
}
