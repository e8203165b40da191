/**
 * Schema validation for routes (Ajv 8, the validator fastify itself uses),
 * stricter than fastify's defaults: bodies are never coerced ("5" is not a
 * number) and unknown fields are refused rather than silently removed, so a
 * wrong type or a typo answers 400 HTTP_INVALID. Query strings and path
 * parameters arrive as text, so they alone are coerced to their declared types.
 */
import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const shared = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false } as const;
const strictAjv = new Ajv({ ...shared, coerceTypes: false });
const coercingAjv = new Ajv({ ...shared, coerceTypes: 'array' });

/** The validator compiler the app installs (`app.setValidatorCompiler`). */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' || httpPart === 'headers' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object);
};
