// The running-time deadline with a hand-driven clock: only time between run()
// and pause() counts, expiry fires once, and stop() disarms it.
import t from 'tap';
import { runningDeadline, systemScheduler, type Scheduler } from '../../../enclave-runtime/index.js';

/** A clock that moves only when told; due timers fire as it passes them. */
function manualClock() {
  let now = 0;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let next = 0;
  const scheduler: Scheduler = {
    now: () => now,
    setTimer(callback, ms) {
      next += 1;
      timers.push({ at: now + ms, callback, id: next });
      return next;
    },
    clearTimer(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const timer of timers.filter((x) => x.at <= now)) {
      timers = timers.filter((x) => x !== timer);
      timer.callback();
    }
  };
  return { scheduler, advance, pending: () => timers.length };
}

t.test('expires after the limit of running time', (t) => {
  const clock = manualClock();
  let fired = 0;
  const deadline = runningDeadline(2000, () => (fired += 1), clock.scheduler);
  deadline.run();
  clock.advance(1999);
  t.equal(fired, 0);
  t.notOk(deadline.expired);
  clock.advance(1);
  t.equal(fired, 1);
  t.ok(deadline.expired);
  t.equal(deadline.elapsedMs(), 2000);
  deadline.run();
  clock.advance(5000);
  t.equal(fired, 1, 'once only');
  t.end();
});

t.test('paused time does not count', (t) => {
  const clock = manualClock();
  let fired = 0;
  const deadline = runningDeadline(2000, () => (fired += 1), clock.scheduler);
  deadline.run();
  clock.advance(1500);
  deadline.pause();
  deadline.pause(); // twice: no effect
  clock.advance(10_000);
  t.equal(fired, 0);
  t.equal(deadline.elapsedMs(), 1500);
  deadline.run();
  deadline.run(); // already running: no second timer
  t.equal(clock.pending(), 1);
  clock.advance(499);
  t.equal(fired, 0);
  t.equal(deadline.elapsedMs(), 1999);
  clock.advance(1);
  t.equal(fired, 1);
  t.end();
});

t.test('stop disarms it for good', (t) => {
  const clock = manualClock();
  let fired = 0;
  const deadline = runningDeadline(1000, () => (fired += 1), clock.scheduler);
  deadline.run();
  clock.advance(500);
  deadline.stop();
  deadline.run();
  clock.advance(10_000);
  t.equal(fired, 0);
  t.notOk(deadline.expired);
  t.equal(clock.pending(), 0);
  t.end();
});

t.test('a limit that is not positive is a programming mistake', (t) => {
  t.throws(() => runningDeadline(0, () => undefined), TypeError);
  t.throws(() => runningDeadline(Number.NaN, () => undefined), TypeError);
  t.end();
});

t.test('the system scheduler is monotonic and its timers can be cleared', async (t) => {
  const a = systemScheduler.now();
  t.ok(systemScheduler.now() >= a);
  let fired = false;
  const handle = systemScheduler.setTimer(() => (fired = true), 1);
  systemScheduler.clearTimer(handle);
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.notOk(fired);
});
