/**
 * The crash test's handle on its gateway process (fixtures/gateway-loop.ts):
 * spawn it on a data directory, learn its URL from its `ready` line, count
 * the transitions it writes (`step` lines), and kill it with SIGKILL at a
 * planned moment: a number of milliseconds after it starts opening the data
 * directory (amid opening, the retry pass or early work) or right after its
 * k-th transition (amid the settling of runs).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HARNESS = fileURLToPath(new URL('./fixtures/gateway-loop.js', import.meta.url));

/** When to kill: `ms` after it starts opening the store, or `ms` after the `steps`-th transition. */
export type KillPlan =
  | { readonly kind: 'opening'; readonly ms: number }
  | { readonly kind: 'steps'; readonly steps: number; readonly ms: number };

/** How the process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running gateway process. */
export interface GatewayChild {
  /** Its base URL once it listens; rejects when it ends before. */
  readonly ready: Promise<string>;
  readonly exited: Promise<ChildExit>;
  /** Transitions written so far in this life. */
  readonly steps: number;
  readonly dead: boolean;
  /** Kill it as `plan` says (a steps plan that never comes due kills at `fallbackMs` after ready). */
  arm(plan: KillPlan, fallbackMs: number): void;
  kill(): void;
}

/** Spawn the harness on `dataDir`, settling on `miner`'s node, in `mode`. */
export function spawnGateway(dataDir: string, miner: string, mode: 'loop' | 'finish'): GatewayChild {
  const child = spawn(process.execPath, [HARNESS, dataDir, miner, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  let steps = 0;
  let dead = false;
  let onStep: ((n: number) => void) | undefined;
  let onOpening: (() => void) | undefined;
  let resolveReady!: (url: string) => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<string>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
  const kill = () => void (dead || child.kill('SIGKILL'));
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    pending += data.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'opening') onOpening?.();
      if (line.startsWith('ready ')) resolveReady(line.slice('ready '.length));
      if (line === 'step') {
        steps += 1;
        onStep?.(steps);
      }
    }
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      dead = true;
      rejectReady(new Error(`the gateway ended before it was ready (${signal ?? code})`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    ready,
    exited,
    get steps() {
      return steps;
    },
    get dead() {
      return dead;
    },
    arm(plan, fallbackMs) {
      if (plan.kind === 'opening') {
        onOpening = () => setTimeout(kill, plan.ms);
        return;
      }
      onStep = (n) => {
        if (n < plan.steps) return;
        onStep = undefined;
        setTimeout(kill, plan.ms);
      };
      ready.then(() => setTimeout(kill, fallbackMs)).catch(() => undefined);
    },
    kill,
  };
}
