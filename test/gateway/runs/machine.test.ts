/**
 * The run state machine, exhaustively: every (state, event) pair either
 * moves to the event's target, is a repeat (the run is already there), or is
 * refused with RUN_ALREADY_FINAL (final states) or RUN_INVALID_TRANSITION.
 * The expected table is written out by hand from issue 3, not derived from
 * the code under test.
 */
import t from 'tap';
import type { RunEvent } from '../../../gateway/index.js';
import {
  FINAL_STATES,
  RUN_EVENTS,
  RUN_STATES,
  RunError,
  decide,
  isFinal,
  targetOf,
} from '../../../gateway/index.js';
import { TABLE, isRefusal } from './table.js';

t.test('every (state, event) pair', (t) => {
  t.equal(RUN_STATES.length * RUN_EVENTS.length, 81, 'nine states by nine events');
  for (const state of RUN_STATES) {
    for (const event of RUN_EVENTS) {
      const want = TABLE[state][event];
      const label = `${state} + ${event}`;
      if (isRefusal(want)) {
        t.throws(() => decide(state, event), { name: 'RunError', code: want }, label);
        try {
          decide(state, event);
        } catch (err) {
          t.ok(err instanceof RunError, `${label}: a RunError`);
        }
      } else if (want === 'repeat') {
        t.same(decide(state, event), { kind: 'repeat' }, label);
        t.equal(targetOf(event), state, `${label}: the run is already at the target`);
      } else {
        t.same(decide(state, event), { kind: 'move', to: want }, label);
      }
    }
  }
  t.end();
});

t.test('final states never move', (t) => {
  t.same([...FINAL_STATES].sort(), ['cancelled', 'failed', 'flagged', 'settled']);
  for (const s of RUN_STATES) t.equal(isFinal(s), FINAL_STATES.includes(s), s);
  t.end();
});

t.test('an unknown event is a programming mistake', (t) => {
  t.throws(() => decide('queued', 'teleport' as RunEvent), TypeError);
  t.end();
});
