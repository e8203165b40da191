/**
 * What the demo made, and its removal: the owner of the demo's SealedWorld
 * (bench/world.ts registers the gateway, the node agent and their temp dirs
 * here, as a tap test would) plus the demo's own images and directories.
 * Clean-ups run last-registered first (the node before the gateway it talks
 * to), each at most once, and every one runs even when another fails.
 */
import type { Teardown } from '../../bench/world.js';

/** A LIFO list of clean-ups; a `Teardown` for bench/world.ts. */
export class DemoScope implements Teardown {
  readonly #cleanups: (() => unknown)[] = [];
  #closed: Promise<string[]> | undefined;

  teardown(fn: () => unknown): void {
    if (this.#closed) throw new TypeError('the demo scope is already closed');
    this.#cleanups.push(fn);
  }

  /** Run every clean-up, newest first; resolves to the one-line messages of those that failed. */
  close(): Promise<string[]> {
    this.#closed ??= (async () => {
      const problems: string[] = [];
      for (const fn of this.#cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          problems.push(err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err));
        }
      }
      return problems;
    })();
    return this.#closed;
  }
}

/**
 * Call `onSignal` on the first SIGINT or SIGTERM (the demo then stops after its current step and
 * cleans up); a second one exits at once with 130, cleaning nothing. Returns the function that
 * removes the handlers.
 */
export function onInterrupt(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let seen = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (seen) process.exit(130);
    seen = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
