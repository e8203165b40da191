/**
 * The wall-clock limit of a sealed run, enforced by the driver (Docker has none):
 * a deadline that counts only running time. Pausing stops the count and resuming
 * picks it up where it stopped, so a buyer's pause never eats into the run's time.
 */

/** A monotonic clock and a timer; injectable so tests need not wait. */
export interface Scheduler {
  /** Milliseconds from an arbitrary origin, never going back (`performance.now`). */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process's monotonic clock and Node's timers. */
export const systemScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A deadline over running time only; see {@link runningDeadline}. */
export interface RunningDeadline {
  /** Starts (or, after `pause`, resumes) counting. */
  run(): void;
  /** Stops counting; the time spent so far is kept. */
  pause(): void;
  /** Stops for good: `onExpire` is never called after this. */
  stop(): void;
  /** Running time counted so far, in milliseconds. */
  elapsedMs(): number;
  /** True once the limit was reached (and `onExpire` called). */
  readonly expired: boolean;
}

/**
 * A deadline of `limitMs` of running time: `onExpire` is called once when the time
 * counted between `run()` and `pause()` calls reaches the limit.
 *
 * @example
 * ```ts
 * const deadline = runningDeadline(2000, () => void container.kill());
 * deadline.run(); // started
 * deadline.pause(); // docker pause: the count stops
 * deadline.run(); // docker unpause: it goes on
 * ```
 */
export function runningDeadline(
  limitMs: number,
  onExpire: () => void,
  scheduler: Scheduler = systemScheduler,
): RunningDeadline {
  if (!Number.isFinite(limitMs) || limitMs <= 0) throw new TypeError('deadline: the limit must be > 0 ms');
  let counted = 0;
  let since: number | undefined;
  let timer: unknown;
  let stopped = false;
  let expired = false;

  const halt = (): void => {
    if (since === undefined) return;
    counted += scheduler.now() - since;
    since = undefined;
    scheduler.clearTimer(timer);
    timer = undefined;
  };
  const expire = (): void => {
    halt();
    if (stopped) return;
    stopped = true;
    expired = true;
    onExpire();
  };

  return {
    run() {
      if (stopped || since !== undefined) return;
      since = scheduler.now();
      timer = scheduler.setTimer(expire, Math.max(0, limitMs - counted));
    },
    pause: halt,
    stop() {
      halt();
      stopped = true;
    },
    elapsedMs: () => counted + (since === undefined ? 0 : scheduler.now() - since),
    get expired() {
      return expired;
    },
  };
}
