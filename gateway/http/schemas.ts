/** Schemas shared by every route. */
import { Type } from '@sinclair/typebox';

/** The body of every 4xx/5xx reply. */
export const ErrorReply = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { description: 'What went wrong: a stable code and a one-line message' },
);

/** Paging of list routes: `?limit=&cursor=` (cursor: the last id of the previous page). */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 128 })),
};
