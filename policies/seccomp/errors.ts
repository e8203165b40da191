// attest's errors module, not its index: the in-container supervisor loads this file, and the index
// brings node-forge and typebox into its start (docs/sealing-figures.md).
import { SealgateError } from '../../attest/errors.js';

/**
 * Every way reading, evaluating, compiling or loading a seccomp profile can
 * fail, one code per kind of failure (docs/seccomp.md says which check raises each).
 */
export type SeccompErrorCode =
  /** The document is not a Docker-format seccomp profile; the message names the field path. */
  | 'SECCOMP_PROFILE_MALFORMED'
  /** Two conditional rules of one syscall match the same arguments with different actions. */
  | 'SECCOMP_RULES_AMBIGUOUS'
  /** The profile names a syscall that libseccomp on this host cannot resolve. */
  | 'SECCOMP_UNKNOWN_SYSCALL'
  /** The profile asks for something the native loader does not do (notify, an unknown flag or arch). */
  | 'SECCOMP_UNSUPPORTED'
  /** A libseccomp call failed; the message names the call and its errno. */
  | 'SECCOMP_LIBSECCOMP_FAILED';

/** A failure to parse, evaluate, compile or load a seccomp profile. */
export class SeccompError extends SealgateError<SeccompErrorCode> {}
