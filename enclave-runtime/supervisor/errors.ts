// Deep paths, not attest's index: the supervisor's start pays for every module it loads (docs/sealing-figures.md).
import { SealgateError } from '../../attest/errors.js';

/**
 * Codes of the supervisor's failures (docs/supervisor.md): each one ends the
 * run with an `error` message to the agent and a non-zero exit.
 */
export type SupervisorErrorCode =
  /** stdin closed before the `run` message, or it was not one. */
  | 'SUPERVISOR_PROTOCOL'
  /** The wrapped key did not open with the container's ephemeral key. */
  | 'SUPERVISOR_KEY'
  /** The ciphertext did not decrypt (wrong key, tampered, truncated). */
  | 'SUPERVISOR_DECRYPT'
  /** A sealed model's bundle is malformed or breaks a limit. */
  | 'SUPERVISOR_BUNDLE'
  /** The seccomp filter could not be loaded: nothing runs unfiltered. */
  | 'SUPERVISOR_SECCOMP'
  /** The model command could not be started. */
  | 'SUPERVISOR_SPAWN'
  /** /sealed/output could not be sealed (too large, unreadable, changed while read). */
  | 'SUPERVISOR_OUTPUT'
  /** Plaintext could not be wiped. */
  | 'SUPERVISOR_WIPE'
  /** The container was told to stop (SIGTERM) before the model ended. */
  | 'SUPERVISOR_STOPPED'
  /** Anything else (an I/O error writing inputs, a bug). */
  | 'SUPERVISOR_INTERNAL';

/** A failure of the in-container supervisor; its message never holds a key or plaintext. */
export class SupervisorError extends SealgateError<SupervisorErrorCode> {}
