/**
 * What sealgate's services may write to their logs, as data (STYLE.md: log only
 * allowlisted fields; never a key, token, nonce, evidence body or dataset
 * byte). The gateway and the node agent build their pino loggers from this, so
 * both redact the same things.
 */

/** Field names whose values never reach a log, wherever they appear (one level of nesting deep). */
export const REDACTED_FIELDS = [
  'key',
  'dek',
  'secretKey',
  'privateKey',
  'keyPem',
  'token',
  'nonce',
  'signature',
  'authorization',
  'signature-input',
  'evidence',
  'wrappedKey',
  'plaintext',
  'body',
] as const;

/** pino `redact.paths` for {@link REDACTED_FIELDS}: each name at the top level and one level down. */
export function redactPaths(): string[] {
  return REDACTED_FIELDS.flatMap((f) =>
    /^[A-Za-z_$][\w$]*$/.test(f) ? [f, `*.${f}`] : [`["${f}"]`, `*["${f}"]`],
  );
}

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';
