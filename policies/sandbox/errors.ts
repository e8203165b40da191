import { SealgateError } from '../../attest/index.js';

/**
 * Codes of the errors the sandbox area throws. A thrown error means the input
 * could not be judged at all; a container that can be judged but is not sealed
 * yields {@link SandboxViolation}s instead.
 */
export type SandboxErrorCode =
  /** The inspect document is not the shape Docker's API returns (the message names the path). */
  | 'SANDBOX_INSPECT_MALFORMED'
  /** The run-specific options given to `sandboxContainerConfig` do not fit the profile. */
  | 'SANDBOX_RUN_INVALID';

/** The sandbox area's error (see {@link SandboxErrorCode}). */
export class SandboxError extends SealgateError<SandboxErrorCode> {}

/** One rule of the sandbox profile a container breaks, as returned by `evaluateSandbox`. */
export type SandboxViolationCode =
  | 'SANDBOX_NETWORK'
  | 'SANDBOX_ROOT_WRITABLE'
  | 'SANDBOX_CAPABILITY_KEPT'
  | 'SANDBOX_NEW_PRIVILEGES'
  | 'SANDBOX_SECCOMP'
  | 'SANDBOX_APPARMOR'
  | 'SANDBOX_SECURITY_OPT'
  | 'SANDBOX_SYSTEM_PATHS'
  | 'SANDBOX_LIMIT_MISSING'
  | 'SANDBOX_LIMIT_EXCEEDED'
  | 'SANDBOX_HOST_MOUNT'
  | 'SANDBOX_TMPFS'
  | 'SANDBOX_ROOT_USER'
  | 'SANDBOX_PRIVILEGED'
  | 'SANDBOX_DEVICE'
  | 'SANDBOX_NAMESPACE'
  | 'SANDBOX_RUNTIME'
  | 'SANDBOX_ENTRYPOINT';

/**
 * A broken rule: where in the inspect document (`HostConfig.NetworkMode`,
 * `Mounts[2].RW`), what the profile expects and what Docker reports, both as
 * short display strings, and a one-line message.
 */
export interface SandboxViolation {
  readonly code: SandboxViolationCode;
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

/** Makes a violation, showing `expected` and `actual` as short display strings. */
export function violation(
  code: SandboxViolationCode,
  path: string,
  expected: unknown,
  actual: unknown,
  message: string,
): SandboxViolation {
  return { code, path, expected: show(expected), actual: show(actual), message };
}

/** Shows a value in one short line (seccomp profiles can be kilobytes long); `undefined` is "(absent)". */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (value === '') return '(empty)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
