/**
 * Wire schemas of the dataset routes (TypeBox: they validate, type and
 * document the routes). Policies arrive as free JSON and are parsed by
 * policies' parseDatasetPolicy, so a bad field answers POLICY_INVALID with its
 * JSON Pointer rather than a generic HTTP_INVALID. Response schemas are also
 * allowlists: fast-json-stringify drops every field they do not name, so the
 * wrapped key and blob digests cannot leak into a public reply by accident.
 */
import { CloneType, Type } from '@sinclair/typebox';
import { Amount, DatasetPolicySchema, Digest } from '../../policies/index.js';
import { AccountId } from '../accounts/schemas.js';
import { PageQuery } from '../http/schemas.js';
import { idPattern } from '../ids.js';

export { ErrorReply } from '../http/schemas.js';

export const DatasetId = Type.String({ pattern: idPattern('ds'), description: 'a dataset id' });
export const DatasetIdParams = Type.Object({ id: DatasetId }, { additionalProperties: false });

const BlobRef = Type.Object({ digest: Digest }, { additionalProperties: false });
const Custody = Type.Union([Type.Literal('broker'), Type.Literal('seller')]);
const KeyId = Type.String({ pattern: '^[0-9a-f]{32}$', description: 'attest dataKeyId of the DEK, hex' });

const SchemaField = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
const Fields = Type.Array(SchemaField, { maxItems: 1000, description: 'the columns or fields (no data)' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 20_000 });
const PolicyInput = Type.Unknown({
  description: 'the dataset policy {release, egress} (docs/policies.md); defaults fill missing fields',
});

export const CreateDatasetBody = Type.Object(
  {
    title: Title,
    description: Description,
    schema: Fields,
    price: CloneType(Amount, { description: 'fiat base units per run, decimal' }),
    policy: PolicyInput,
    blob: BlobRef,
    fingerprint: Type.Optional(BlobRef),
    fingerprintKey: Type.Optional(
      Type.Object(
        {
          wrapped: Type.String({
            maxLength: 512,
            description: 'the fingerprint key sealed to GET /v1/broker, base64 (any custody)',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    canaries: Type.Optional(
      Type.Object(
        {
          digest: Digest,
          size: Type.Optional(Type.Integer({ minimum: 0, description: 'if given, the stored size' })),
          planted: Type.Integer({ description: 'canaries planted in the dataset, 1 to 1000' }),
          heldOut: Type.Integer({ description: 'held-out reference canaries, at least planted' }),
        },
        {
          additionalProperties: false,
          description: 'the canary set blob, encrypted under the data key (docs/egress-protocol.md 2)',
        },
      ),
    ),
    key: Type.Object(
      {
        keyId: KeyId,
        custody: Custody,
        wrapped: Type.Optional(
          Type.String({
            maxLength: 512,
            description: 'broker custody: the DEK sealed to GET /v1/broker, base64',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const PatchDatasetBody = Type.Object(
  { price: Type.Optional(Amount), policy: Type.Optional(PolicyInput) },
  { additionalProperties: false, minProperties: 1 },
);

export const ListDatasetsQuery = Type.Object(
  {
    ...PageQuery,
    cursor: Type.Optional(
      Type.String({ pattern: idPattern('ds'), description: 'the last id of the previous page' }),
    ),
    seller: Type.Optional(AccountId),
    maxPrice: Type.Optional(Amount),
    model: Type.Optional(
      Type.String({
        pattern: '^(mdl_[a-z2-7]{26}|sha256:[0-9a-f]{64})$',
        description: 'a model id or image digest: only datasets whose policy allows it',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'case-insensitive substring of title or description',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RatingSummarySchema = Type.Object({
  count: Type.Integer(),
  mean: Type.Union([Type.Number(), Type.Null()]),
  score: Type.Number(),
});

const Timestamps = {
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
const Status = Type.Union([Type.Literal('listed'), Type.Literal('delisted')]);

/** What anyone may see of a listing (docs/catalog.md: nothing a node also sees, so nodes cannot tell whose data they hold). */
export const PublicDataset = Type.Object({
  id: DatasetId,
  seller: AccountId,
  sellerRating: RatingSummarySchema,
  title: Type.String(),
  description: Type.String(),
  schema: Fields,
  price: Amount,
  currency: Type.String(),
  policy: DatasetPolicySchema,
  custody: Custody,
  size: Type.Integer({ description: 'ciphertext bytes' }),
  fingerprinted: Type.Boolean({
    description: 'the seller supplied a fingerprint index (verification possible)',
  }),
  canaries: Type.Integer({ description: 'canary records planted in the data (0: none; audit possible)' }),
  status: Status,
  runs: Type.Optional(Type.Integer({ description: 'runs started on it (detail view only)' })),
  ...Timestamps,
});

export const DatasetPage = Type.Object({
  items: Type.Array(PublicDataset),
  next: Type.Union([DatasetId, Type.Null()], {
    description: 'the cursor of the next page, or null at the end',
  }),
});

/** What the seller sees of their own listing: the record without the wrapped key. */
export const SellerDataset = Type.Object({
  id: DatasetId,
  seller: AccountId,
  title: Type.String(),
  description: Type.String(),
  schema: Fields,
  price: Amount,
  policy: DatasetPolicySchema,
  blob: Type.Object({ digest: Digest, size: Type.Integer() }),
  fingerprint: Type.Optional(Type.Object({ digest: Digest, size: Type.Integer() })),
  canaries: Type.Optional(
    Type.Object({ digest: Digest, size: Type.Integer(), planted: Type.Integer(), heldOut: Type.Integer() }),
  ),
  key: Type.Object({ keyId: KeyId, custody: Custody }),
  status: Status,
  runs: Type.Integer(),
  ...Timestamps,
});
