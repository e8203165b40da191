/**
 * Wire schemas of the model routes. The descriptor (model.json) arrives as
 * free JSON and is parsed by policies' parseModelDescriptor, so a bad field
 * answers POLICY_INVALID with its JSON Pointer (`/descriptor/...`).
 */
import { Type } from '@sinclair/typebox';
import { Digest, ModelDescriptorSchema } from '../../policies/index.js';
import { AccountId } from '../accounts/schemas.js';
import { PageQuery } from '../http/schemas.js';
import { idPattern } from '../ids.js';

export { ErrorReply } from '../http/schemas.js';

export const ModelId = Type.String({ pattern: idPattern('mdl'), description: 'a model id' });
export const ModelIdParams = Type.Object({ id: ModelId }, { additionalProperties: false });

export const PublishModelBody = Type.Object(
  {
    descriptor: Type.Unknown({ description: 'model.json (docs/policies.md); defaults fill missing fields' }),
    image: Type.Object(
      {
        digest: Type.String({ ...Digest, description: 'the image id (docker image inspect .Id) nodes run' }),
      },
      { additionalProperties: false },
    ),
    archive: Type.Optional(
      Type.Object(
        { digest: Type.String({ ...Digest, description: 'a stored blob: the `docker save` / OCI archive' }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ListModelsQuery = Type.Object(
  {
    ...PageQuery,
    cursor: Type.Optional(
      Type.String({ pattern: idPattern('mdl'), description: 'the last id of the previous page' }),
    ),
    publisher: Type.Optional(AccountId),
    name: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' })),
    deprecated: Type.Optional(Type.Boolean({ default: false, description: 'include deprecated models' })),
  },
  { additionalProperties: false },
);

export const ModelSchema = Type.Object({
  id: ModelId,
  publisher: AccountId,
  descriptor: ModelDescriptorSchema,
  image: Type.Object({
    digest: Digest,
    archive: Type.Optional(Type.Object({ digest: Digest, size: Type.Integer() })),
  }),
  status: Type.Union([Type.Literal('published'), Type.Literal('deprecated')]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ModelPage = Type.Object({
  items: Type.Array(ModelSchema),
  next: Type.Union([ModelId, Type.Null()], {
    description: 'the cursor of the next page, or null at the end',
  }),
});
