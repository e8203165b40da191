/** Wire schemas of the account routes (TypeBox: they validate, type and document the routes). */
import { Type } from '@sinclair/typebox';
import { ROLES } from './registry.js';

export { ErrorReply } from '../http/schemas.js';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const AccountId = Type.String({ pattern: '^acct_[a-z2-7]{32}$', description: 'an account id' });
export const AccountIdParams = Type.Object({ id: AccountId }, { additionalProperties: false });

export const RegisterAccountBody = Type.Object(
  {
    publicKey: Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'Ed25519 public key, base64' }),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 4, uniqueItems: true }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const AccountSchema = Type.Object({
  id: AccountId,
  publicKey: Type.String(),
  roles: Type.Array(RoleSchema),
  name: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
