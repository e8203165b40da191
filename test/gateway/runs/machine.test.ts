/**
 * The run state machine, exhaustively: every (state, event) pair either
 * moves to the event's target, is a repeat (the run is already there), or is
 * refused with RUN_ALREADY_FINAL (final states) or RUN_INVALID_TRANSITION.
 * The expected table is written out by hand from issue 3, not derived from
 * the code under test.
 */
import t from 'tap';
import type { RunEvent, RunState } from '../../../gateway/index.js';
import { FINAL_STATES, RUN_EVENTS, RUN_STATES, RunError, decide, isFinal, targetOf } from '../../../gateway/index.js';

type Expect = RunState | 'repeat' | 'RUN_INVALID_TRANSITION' | 'RUN_ALREADY_FINAL';
const X = 'RUN_INVALID_TRANSITION';
const F = 'RUN_ALREADY_FINAL';
const R = 'repeat';

// issue 3: queued -> placed -> sealing -> running -> sealing-output -> settled; failed from any
// non-final state; cancelled from queued/placed; flagged from running/sealing-output.
const TABLE: Record<RunState, Record<RunEvent, Expect>> = {
  queued: { place: 'placed', seal: X, start: X, 'seal-output': X, settle: X, fail: 'failed', cancel: 'cancelled', flag: X },
  placed: { place: R, seal: 'sealing', start: X, 'seal-output': X, settle: X, fail: 'failed', cancel: 'cancelled', flag: X },
  sealing: { place: X, seal: R, start: 'running', 'seal-output': X, settle: X, fail: 'failed', cancel: X, flag: X },
  running: { place: X, seal: X, start: R, 'seal-output': 'sealing-output', settle: X, fail: 'failed', cancel: X, flag: 'flagged' },
  'sealing-output': { place: X, seal: X, start: X, 'seal-output': R, settle: 'settled', fail: 'failed', cancel: X, flag: 'flagged' },
  settled: { place: F, seal: F, start: F, 'seal-output': F, settle: R, fail: F, cancel: F, flag: F },
  failed: { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: R, cancel: F, flag: F },
  cancelled: { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: F, cancel: R, flag: F },
  flagged: { place: F, seal: F, start: F, 'seal-output': F, settle: F, fail: F, cancel: F, flag: R },
};

t.test('every (state, event) pair', async (t) => {
  t.equal(RUN_STATES.length * RUN_EVENTS.length, 72, 'nine states by eight events');
  for (const state of RUN_STATES) {
    for (const event of RUN_EVENTS) {
      const want = TABLE[state][event];
      const label = `${state} + ${event}`;
      if (want === X || want === F) {
        t.throws(() => decide(state, event), { name: 'RunError', code: want }, label);
        try {
          decide(state, event);
        } catch (err) {
          t.ok(err instanceof RunError, `${label}: a RunError`);
        }
      } else if (want === R) {
        t.same(decide(state, event), { kind: 'repeat' }, label);
        t.equal(targetOf(event), state, `${label}: the run is already at the target`);
      } else {
        t.same(decide(state, event), { kind: 'move', to: want }, label);
      }
    }
  }
});

t.test('final states never move', async (t) => {
  t.same([...FINAL_STATES].sort(), ['cancelled', 'failed', 'flagged', 'settled']);
  for (const s of RUN_STATES) t.equal(isFinal(s), FINAL_STATES.includes(s), s);
});

t.test('an unknown event is a programming mistake', async (t) => {
  t.throws(() => decide('queued', 'teleport' as RunEvent), TypeError);
});
