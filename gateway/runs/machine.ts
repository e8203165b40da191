/**
 * The run state machine (issue 3, DESIGN.md 5 steps 3-9), pure: which event
 * moves a run from which state to which. The happy path is
 * queued -> placed -> sealing -> running -> sealing-output -> settled; `fail`
 * ends any run that has not ended; the buyer may `cancel` before the output
 * is sealed; the egress guard may `flag` a run while its container can emit;
 * `requeue` puts a run whose node went offline back in the queue.
 * RunService applies a decision together with its ledger effect.
 */
import type { RunState } from './record.js';
import { RunError } from './errors.js';

/** What can happen to a run. */
export type RunEvent =
  'place' | 'seal' | 'start' | 'seal-output' | 'settle' | 'fail' | 'cancel' | 'flag' | 'requeue';

/** Every event, in happy-path order then the ends. */
export const RUN_EVENTS: readonly RunEvent[] = [
  'place',
  'seal',
  'start',
  'seal-output',
  'settle',
  'fail',
  'cancel',
  'flag',
  'requeue',
];

/** Every state. */
export const RUN_STATES: readonly RunState[] = [
  'queued',
  'placed',
  'sealing',
  'running',
  'sealing-output',
  'settled',
  'failed',
  'cancelled',
  'flagged',
];

/** The states a run never leaves. */
export const FINAL_STATES: readonly RunState[] = ['settled', 'failed', 'cancelled', 'flagged'];

const NOT_FINAL: readonly RunState[] = ['queued', 'placed', 'sealing', 'running', 'sealing-output'];

/** Each event: the state it leads to and the states it may start from. */
const TRANSITIONS: Readonly<Record<RunEvent, { readonly to: RunState; readonly from: readonly RunState[] }>> =
  {
    place: { to: 'placed', from: ['queued'] },
    seal: { to: 'sealing', from: ['placed'] },
    start: { to: 'running', from: ['sealing'] },
    'seal-output': { to: 'sealing-output', from: ['running'] },
    settle: { to: 'settled', from: ['sealing-output'] },
    fail: { to: 'failed', from: NOT_FINAL },
    // sealing and running (issue 4): the route asks the node first; the run ends when it confirms
    cancel: { to: 'cancelled', from: ['queued', 'placed', 'sealing', 'running'] },
    flag: { to: 'flagged', from: ['running', 'sealing-output'] },
    // issue 4: the node holding it went offline; back in the queue, no ledger effect
    requeue: { to: 'queued', from: ['placed', 'sealing', 'running'] },
  };

/** What applying an event to a state does. */
export type Decision =
  /** Move to `to`. */
  | { readonly kind: 'move'; readonly to: RunState }
  /** The run is already where this event leads: a repeated request, nothing to do. */
  | { readonly kind: 'repeat' };

/** True when `state` is final. */
export function isFinal(state: RunState): boolean {
  return FINAL_STATES.includes(state);
}

/** The state `event` leads to. */
export function targetOf(event: RunEvent): RunState {
  return TRANSITIONS[event].to;
}

/**
 * Decide what `event` does to a run in `state`. The run already in the
 * event's target state is a repeat (a retried request: no effect); otherwise
 * a final run refuses with RUN_ALREADY_FINAL and any other pair the machine
 * does not allow with RUN_INVALID_TRANSITION.
 *
 * @example
 * ```ts
 * decide('queued', 'place'); // { kind: 'move', to: 'placed' }
 * decide('placed', 'place'); // { kind: 'repeat' }
 * decide('settled', 'cancel'); // throws RUN_ALREADY_FINAL
 * ```
 */
export function decide(state: RunState, event: RunEvent): Decision {
  const rule = TRANSITIONS[event] as (typeof TRANSITIONS)[RunEvent] | undefined;
  if (!rule) throw new TypeError(`unknown run event ${JSON.stringify(event)}`);
  if (state === rule.to) return { kind: 'repeat' };
  if (rule.from.includes(state)) return { kind: 'move', to: rule.to };
  if (isFinal(state))
    throw new RunError('RUN_ALREADY_FINAL', `the run has ended (${state}); it cannot ${event}`);
  throw new RunError('RUN_INVALID_TRANSITION', `a ${state} run cannot ${event}`);
}
