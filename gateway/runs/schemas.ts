/** Wire schemas of the quote, run and rate routes (TypeBox: they validate, type and document them). */
import { Type } from '@sinclair/typebox';
import { Amount } from '../../policies/index.js';
import { idPattern } from '../ids.js';
import { PageQuery } from '../http/schemas.js';
import { HyperparametersSchema } from './hyperparameters.js';
import { RUN_STATES } from './machine.js';

export { ErrorReply } from '../http/schemas.js';

const AccountId = Type.String({ pattern: '^acct_[a-z2-7]{32}$' });
const Time = Type.String({ format: 'date-time' });
export const QuoteId = Type.String({ pattern: idPattern('qt'), description: 'a quote id' });
export const RunId = Type.String({ pattern: idPattern('run'), description: 'a run id' });
const RunStateSchema = Type.Union(RUN_STATES.map((s) => Type.Literal(s)));
const Reason = Type.Object({ code: Type.String(), message: Type.String() });
/** A positive amount of base units, as a decimal string. */
const PositiveAmount = Type.String({ pattern: '^[1-9][0-9]{0,37}$' });

export const QuoteBody = Type.Object(
  {
    dataset: Type.String({ pattern: idPattern('ds'), description: 'the dataset id' }),
    model: Type.String({ pattern: idPattern('mdl'), description: 'the model id' }),
    steps: Type.Integer({
      minimum: 1,
      maximum: 1_000_000_000,
      description: "capped at the model's maxSteps",
    }),
    hyperparameters: Type.Optional(HyperparametersSchema),
  },
  { additionalProperties: false },
);

export const PriceSchema = Type.Object({
  fiat: Type.Object({ compute: Amount, baseFee: Amount, data: Amount, total: Amount }),
  tokens: Amount,
  rate: Type.Object({ fiat: Amount, tokens: Amount }),
  // docs/pricing.md: the unit cost and its adjustment, or the by-use rates
  unitCost: Type.Optional(
    Type.Object({ perStep: Amount, adjustment: Type.Union([Type.String(), Type.Null()]) }),
  ),
  charges: Type.Optional(
    Type.Object({
      rates: Type.Record(Type.String(), Amount),
      basis: Type.Object({
        memoryMiB: Type.Number(),
        gflopsPerStep: Type.Number(),
        dataBytes: Type.Number(),
      }),
      cap: Type.Record(Type.String(), Amount, { description: 'thousandths of each unit at the run limits' }),
    }),
  ),
  split: Type.Object({
    sellerBps: Type.Integer(),
    publisherBps: Type.Integer(),
    minerBps: Type.Integer(),
    platformBps: Type.Integer(),
  }),
});

export const QuoteSchema = Type.Object({
  id: QuoteId,
  buyer: AccountId,
  dataset: Type.String(),
  model: Type.String(),
  steps: Type.Integer(),
  hyperparameters: Type.Optional(HyperparametersSchema),
  price: PriceSchema,
  nodes: Type.Array(Type.String(), { description: 'nodes that could take the run now' }),
  queueSeconds: Type.Integer({ description: 'estimated wait before a node takes it' }),
  // placement's view (docs/bonds-and-placement.md)
  nodeCount: Type.Optional(Type.Integer({ description: 'how many nodes are eligible for the run now' })),
  candidates: Type.Optional(
    Type.Array(Type.Object({ id: Type.String(), tier: Type.String() }), {
      description: 'the best-scoring eligible nodes, best first',
    }),
  ),
  createdAt: Time,
  expiresAt: Time,
  run: Type.Optional(RunId),
});

export const StartBody = Type.Object({ quote: QuoteId }, { additionalProperties: false });

export const RunSchema = Type.Object({
  id: RunId,
  quote: QuoteId,
  buyer: AccountId,
  seller: AccountId,
  publisher: AccountId,
  dataset: Type.String(),
  model: Type.String(),
  steps: Type.Integer(),
  hyperparameters: Type.Optional(HyperparametersSchema),
  price: PriceSchema,
  state: RunStateSchema,
  node: Type.Optional(Type.String()),
  reason: Type.Optional(Reason),
  usage: Type.Optional(
    Type.Object({
      steps: Type.Integer(),
      cpuSeconds: Type.Number(),
      gpuSeconds: Type.Number(),
      seconds: Type.Number(),
    }),
  ),
  settlement: Type.Optional(
    Type.Object({ seller: Amount, publisher: Amount, miner: Amount, platform: Amount, refund: Amount }),
  ),
  history: Type.Array(Type.Object({ state: RunStateSchema, at: Time })),
  createdAt: Time,
  updatedAt: Time,
});

export const RunIdParams = Type.Object({ id: RunId }, { additionalProperties: false });

export const RunListQuery = Type.Object(
  {
    as: Type.Optional(
      Type.Union([Type.Literal('buyer'), Type.Literal('seller')], {
        default: 'buyer',
        description: "the caller's runs as buyer (default) or as the dataset's seller",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const RunPageSchema = Type.Object({
  items: Type.Array(RunSchema),
  next: Type.Union([RunId, Type.Null()], { description: 'the cursor of the next page, or null at the end' }),
});

export const CancelBody = Type.Object(
  { message: Type.Optional(Type.String({ maxLength: 1000, description: 'why, for the record' })) },
  { additionalProperties: false },
);

export const RateSchema = Type.Object({
  fiat: PositiveAmount,
  tokens: PositiveAmount,
  updatedAt: Type.Union([Time, Type.Null()]),
});

export const SetRateBody = Type.Object(
  {
    fiat: PositiveAmount,
    tokens: PositiveAmount,
  },
  { additionalProperties: false, description: '`fiat` fiat base units are worth `tokens` token base units' },
);

const StateEventSchema = Type.Object({
  seq: Type.Integer(),
  type: Type.Literal('state'),
  state: RunStateSchema,
  at: Time,
  reason: Type.Optional(Reason),
});
const MetricEventSchema = Type.Object({
  seq: Type.Integer(),
  type: Type.Literal('metric'),
  metric: Type.String(),
  step: Type.Integer(),
  value: Type.Number(),
  at: Time,
});

/** The `data` of each server-sent event (the `event:` field is its `type`, the `id:` its `seq`). */
export const RunEventSchema = Type.Union([StateEventSchema, MetricEventSchema]);
