/**
 * The node agent's errors (docs/node-agent.md). One class for the area; the
 * codes name what failed. Failures of one job become a `fail` report to the
 * gateway (a `RUN_…` code, job.ts); these codes are the agent's own.
 */
import { SealgateError } from '../../attest/index.js';

/** Codes of node agent errors. */
export type AgentErrorCode =
  /** The enrollment token is not `sgn1.<id>.<secret>.<ca-sha256-hex>`. */
  | 'AGENT_TOKEN_MALFORMED'
  /** The CA the gateway served is not the one the token pins. */
  | 'AGENT_CA_PIN_MISMATCH'
  /** The gateway refused enrollment (the gateway's code is in the message). */
  | 'AGENT_ENROLL_REFUSED'
  /** DATA holds a partial or inconsistent identity (a certificate without its key, …). */
  | 'AGENT_STATE_INVALID'
  /** The gateway answered a request with an error status or an unexpected body. */
  | 'AGENT_GATEWAY'
  /** The gateway could not be reached (network, TLS). */
  | 'AGENT_UNREACHABLE'
  /** A downloaded blob's SHA-256 or size is not the one the job names. */
  | 'AGENT_BLOB_DIGEST'
  /** The supervisor broke the stdio protocol (docs/node-protocol.md §5). */
  | 'AGENT_SUPERVISOR_PROTOCOL'
  /** The sealed output's bytes do not match the supervisor's `output-end`. */
  | 'AGENT_OUTPUT_DIGEST'
  /** The container's inspect carries no seccomp profile to measure. */
  | 'AGENT_SECCOMP_UNMEASURABLE'
  /** The job was stopped from outside (control cancel, node stop). */
  | 'AGENT_JOB_ABORTED';

/** A node agent failure. `gatewayCode` carries the gateway's own code when it refused. */
export class AgentError extends SealgateError<AgentErrorCode> {
  readonly gatewayCode: string | undefined;

  constructor(code: AgentErrorCode, message: string, options?: { cause?: unknown; gatewayCode?: string }) {
    super(code, message, options);
    this.gatewayCode = options?.gatewayCode;
  }
}
