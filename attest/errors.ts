/**
 * The base of every typed error in sealgate: a stable machine-readable `code`
 * from a union of string literals, a one-line message, and an optional cause.
 *
 * Each area (envelope, evidence, PKI, policies, ...) declares its own subclass
 * with its own code union, in the style of sigstore's `verify/src/error.ts`
 * and jose's `JOSEError`. The gateway maps codes to HTTP statuses in one place;
 * clients see the code and the message, never the cause or a stack.
 *
 * @example
 * ```ts
 * type EnvelopeErrorCode = 'ENVELOPE_TRUNCATED' | 'ENVELOPE_WRONG_KEY';
 * class EnvelopeError extends SealgateError<EnvelopeErrorCode> {}
 * throw new EnvelopeError('ENVELOPE_TRUNCATED', 'ciphertext ends before its final chunk');
 * ```
 */
export class SealgateError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `err` is a sealgate error, optionally with the given code. */
export function isSealgateError(err: unknown, code?: string): err is SealgateError {
  return err instanceof SealgateError && (code === undefined || err.code === code);
}
