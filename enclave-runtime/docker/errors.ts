/**
 * The Docker driver's errors: one class, one code per way a sealed container can
 * fail to be made or run, and the mapping of dockerode's errors onto them.
 */
import { SealgateError } from '../../attest/index.js';

/** Codes of {@link DriverError}. */
export type DriverErrorCode =
  /** The created container's inspect document breaks the sandbox profile; it was removed. */
  | 'RUNTIME_SANDBOX_VIOLATION'
  /** The image is not the one asked for (a loaded archive, or the created container's image). */
  | 'RUNTIME_IMAGE_MISMATCH'
  /** The image is not present and no archive was given to load it from. */
  | 'RUNTIME_IMAGE_MISSING'
  /** dockerd is unreachable or refused a request. */
  | 'RUNTIME_ENGINE'
  /** The container no longer exists (removed behind the driver's back). */
  | 'RUNTIME_CONTAINER_GONE'
  /** `nvidia-smi` is present but failed or printed something that is not its CSV. */
  | 'RUNTIME_GPU_QUERY';

/** The Docker driver's error (see {@link DriverErrorCode}). */
export class DriverError extends SealgateError<DriverErrorCode> {}

/** The parts of a dockerode / docker-modem error the driver reads. */
interface EngineFailure {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly json?: { readonly message?: string } | null;
}

/** The HTTP status of a dockerode error, when dockerd answered at all. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as EngineFailure | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** True for dockerd's 404 (no such container / image). */
export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/**
 * Wraps a dockerode failure of `what` as RUNTIME_ENGINE with a one-line message:
 * dockerd's own message when it answered, "dockerd unreachable" when the socket
 * did not (ENOENT, ECONNREFUSED, EACCES, ...). A DriverError passes through.
 */
export function engineError(what: string, err: unknown): DriverError {
  if (err instanceof DriverError) return err;
  const failure = (err ?? {}) as EngineFailure;
  const status = engineStatus(err);
  const detail =
    status === undefined
      ? `dockerd unreachable (${failure.code ?? oneLine(failure.message ?? String(err))})`
      : `dockerd answered ${status}: ${oneLine(failure.json?.message ?? failure.message ?? '')}`;
  return new DriverError('RUNTIME_ENGINE', `${what}: ${detail}`, { cause: err });
}

/** The first line of `text`, at most 200 characters. */
export function oneLine(text: string): string {
  const first = text.split('\n', 1)[0].trim();
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}
