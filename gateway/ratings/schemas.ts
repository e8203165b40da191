/** Wire schemas of the rating routes and the ratings shown on profiles. */
import { Type } from '@sinclair/typebox';
import { idPattern } from '../ids.js';

export { ErrorReply } from '../http/schemas.js';

export const RateRunParams = Type.Object(
  { id: Type.String({ pattern: idPattern('run'), description: 'a run id' }) },
  { additionalProperties: false },
);

export const RatingBody = Type.Object(
  {
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 1000, default: '' })),
  },
  { additionalProperties: false },
);

export const RatingSchema = Type.Object({
  id: Type.String({ pattern: idPattern('rt') }),
  run: Type.String(),
  by: Type.String(),
  of: Type.String(),
  side: Type.Union([Type.Literal('seller'), Type.Literal('buyer')], {
    description: 'the side of the trade that was rated',
  }),
  stars: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

/** A rating aggregate (summary.ts). */
export const RatingSummarySchema = Type.Object({
  count: Type.Integer(),
  mean: Type.Union([Type.Number(), Type.Null()]),
  score: Type.Number({ description: 'Bayesian average, 1-5' }),
});

/** What a public profile shows. */
export const ProfileRatingsSchema = Type.Object({
  asSeller: RatingSummarySchema,
  asBuyer: RatingSummarySchema,
});
