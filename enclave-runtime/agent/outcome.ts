/**
 * How a job's end becomes the code the node reports (docs/node-protocol.md §4,
 * docs/node-agent.md "Failure codes"). The container's own account of its end
 * wins over anything the agent saw on the way: a model killed for memory is
 * RUN_OOM even if its supervisor's stdout broke off mid-line.
 */
import { isSealgateError } from '../../attest/index.js';
import type { ContainerExit } from '../docker/types.js';
import { AgentError } from './errors.js';
import type { SupervisorMessage } from '../supervisor/protocol.js';
import type { AbortReason } from './types.js';

/** A failed run as reported to the gateway. */
export interface RunFailure {
  readonly code: string;
  readonly message: string;
}

/** Carries a {@link RunFailure} through the job's steps (never leaves job.ts). */
export class JobFailed extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

/** The failure of an outside stop. */
export function abortFailure(reason: AbortReason): RunFailure {
  if (reason === 'cancel') return { code: 'RUN_CANCELLED', message: 'the run was cancelled' };
  if (reason === 'flagged') return { code: 'RUN_FLAGGED', message: 'the egress guard stopped the run' };
  return { code: 'RUN_NODE_STOPPED', message: 'the node agent stopped during the run' };
}

/** What the container's end says, if it says the run failed. */
export function exitFailure(
  exit: ContainerExit,
  exitMessage: Extract<SupervisorMessage, { t: 'exit' }> | undefined,
  supervisorError: Extract<SupervisorMessage, { t: 'error' }> | undefined,
): RunFailure | undefined {
  if (exit.oomKilled) return { code: 'RUN_OOM', message: 'the model ran out of memory' };
  if (exit.timedOut) return { code: 'RUN_TIME_LIMIT', message: 'the run reached its time limit' };
  if (exit.cancelled) return { code: 'RUN_CANCELLED', message: 'the container was stopped' };
  if (supervisorError) return { code: supervisorError.code, message: supervisorError.message };
  const modelCode = exitMessage?.code;
  if (exitMessage && (modelCode !== 0 || exitMessage.signal !== null)) {
    return {
      code: 'RUN_MODEL_EXIT',
      message: `the model exited with ${exitMessage.signal ?? `code ${String(modelCode)}`}`,
    };
  }
  if (exit.exitCode !== 0)
    return { code: 'RUN_MODEL_EXIT', message: `the container exited with code ${exit.exitCode}` };
  return undefined;
}

// Gateway refusals on these steps are key refusals: nothing was released.
const KEY_STEPS = new Set(['nonce', 'evidence', 'release']);

/** Map an error thrown at `step` to the reported failure. */
export function errorFailure(err: unknown, step: string): RunFailure {
  if (err instanceof JobFailed) return err.failure;
  if (err instanceof AgentError && err.code === 'AGENT_GATEWAY' && KEY_STEPS.has(step)) {
    return { code: 'RUN_KEY_REFUSED', message: `${err.gatewayCode ?? 'refused'}: ${err.message}` };
  }
  if (
    isSealgateError(err, 'RUNTIME_SANDBOX_VIOLATION') ||
    isSealgateError(err, 'AGENT_SECCOMP_UNMEASURABLE')
  ) {
    return { code: 'RUN_SANDBOX_REFUSED', message: err.message };
  }
  if (isSealgateError(err)) return { code: err.code, message: err.message };
  return { code: 'RUN_NODE_ERROR', message: `${step}: ${err instanceof Error ? err.message : String(err)}` };
}
