/**
 * The run state machine as issue 3 states it, written out by hand for the
 * tests (independent of gateway/runs/machine.ts): for each state and event,
 * the next state, 'repeat' (already there), or the refusal code.
 */
import type { RunEvent, RunState } from '../../../gateway/index.js';

export type Expect = RunState | 'repeat' | 'RUN_INVALID_TRANSITION' | 'RUN_ALREADY_FINAL';
const X = 'RUN_INVALID_TRANSITION';
const F = 'RUN_ALREADY_FINAL';
const R = 'repeat';

// issue 3: queued -> placed -> sealing -> running -> sealing-output -> settled; failed from any
// non-final state; cancelled from queued/placed (buyer); flagged from running/sealing-output (guard).
// issue 4: cancelled also from sealing/running (the node confirms); requeue: placed/sealing/running -> queued.
// prettier-ignore
export const TABLE: Readonly<Record<RunState, Readonly<Record<RunEvent, Expect>>>> = {
  queued:           { place: 'placed', seal: X, start: X, 'seal-output': X, settle: X, fail: 'failed', cancel: 'cancelled', flag: X, requeue: R },
  placed:           { place: R, seal: 'sealing', start: X, 'seal-output': X, settle: X, fail: 'failed', cancel: 'cancelled', flag: X, requeue: 'queued' },
  sealing:          { place: X, seal: R, start: 'running', 'seal-output': X, settle: X, fail: 'failed', cancel: 'cancelled', flag: X, requeue: 'queued' },
  running:          { place: X, seal: X, start: R, 'seal-output': 'sealing-output', settle: X, fail: 'failed', cancel: 'cancelled', flag: 'flagged', requeue: 'queued' },
  'sealing-output': { place: X, seal: X, start: X, 'seal-output': R, settle: 'settled', fail: 'failed', cancel: X, flag: 'flagged', requeue: X },
  settled:          { place: F, seal: F, start: F, 'seal-output': F, settle: R, fail: F, cancel: F, flag: F, requeue: F },
  failed:           { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: R, cancel: F, flag: F, requeue: F },
  cancelled:        { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: F, cancel: R, flag: F, requeue: F },
  flagged:          { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: F, cancel: F, flag: R, requeue: F },
};

/** True when `want` is a refusal code. */
export function isRefusal(want: Expect): want is 'RUN_INVALID_TRANSITION' | 'RUN_ALREADY_FINAL' {
  return want === X || want === F;
}
