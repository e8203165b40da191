/**
 * The demo's nine steps and what each one reports (issue 7): a step either
 * returns its details (`ok: true`) or fails with a one-line error and its
 * code; a step whose prerequisite failed is skipped, not attempted. The
 * `--json` document is `{ ok, steps: [{ step, ok, ...details }] }`.
 */
import { SealgateError, isSealgateError } from '../../attest/index.js';

/** The steps, in the order they run and are reported. */
export const STEP_NAMES = [
  'accounts',
  'list-dataset',
  'publish-model',
  'sealed-run',
  'inference',
  'verification',
  'leaky-run-caught',
  'settlement',
  'ratings',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

/** Codes of the demo's own failures (a step's other failures keep their area's code). */
export type DemoErrorCode =
  | 'DEMO_NO_DOCKER'
  | 'DEMO_RUN_NOT_SETTLED'
  | 'DEMO_NO_METRICS'
  | 'DEMO_NO_ANSWERS'
  | 'DEMO_REPORT_VERDICT'
  | 'DEMO_LEAK_NOT_CAUGHT'
  | 'DEMO_BALANCES_INCONSISTENT'
  | 'DEMO_INTERRUPTED'
  | 'DEMO_UNCLEAN'
  | 'DEMO_STEP_FAILED'
  | 'DEMO_UNEXPECTED';

/** A demo step that did not show what it should have. */
export class DemoError extends SealgateError<DemoErrorCode> {}

/** What a step showed: plain JSON details. */
export type Details = Record<string, unknown>;

/** One step's outcome, as `--json` prints it. */
export type StepOutcome =
  | ({ readonly step: StepName; readonly ok: true; readonly seconds: number } & Details)
  | {
      readonly step: StepName;
      readonly ok: false;
      readonly skipped?: true;
      readonly error: string;
      readonly code: string;
      readonly seconds?: number;
    };

/** A step to run: its name, what it needs to have succeeded first, and its work. */
export interface StepSpec {
  readonly step: StepName;
  readonly needs: readonly StepName[];
  run(): Promise<Details>;
}

/** The first line of `err`'s message and its code (DEMO_UNEXPECTED for a foreign error). */
export function describeError(err: unknown): { error: string; code: string } {
  const message = err instanceof Error ? err.message : String(err);
  const error = message.split('\n')[0] || 'failed without a message';
  return { error, code: isSealgateError(err) ? err.code : 'DEMO_UNEXPECTED' };
}

/**
 * Run `specs` in order. A step runs only when every step it needs succeeded; otherwise it is
 * reported skipped, naming the failed prerequisite. `onStart` and `onEnd` narrate.
 */
export async function runSteps(
  specs: readonly StepSpec[],
  hooks: {
    onStart(step: StepName, index: number): void;
    onEnd(outcome: StepOutcome, index: number): void;
  },
  interrupted: () => boolean = () => false,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const [index, spec] of specs.entries()) {
    const failed = spec.needs.find((need) => !outcomes.some((o) => o.step === need && o.ok));
    let outcome: StepOutcome;
    if (interrupted()) {
      outcome = { step: spec.step, ok: false, skipped: true, error: 'interrupted', code: 'DEMO_INTERRUPTED' };
    } else if (failed !== undefined) {
      outcome = {
        step: spec.step,
        ok: false,
        skipped: true,
        error: `skipped: ${failed} did not succeed`,
        code: 'DEMO_STEP_FAILED',
      };
    } else {
      hooks.onStart(spec.step, index);
      const started = performance.now();
      const seconds = (): number => Math.round(performance.now() - started) / 1000;
      try {
        const details = await spec.run();
        outcome = { step: spec.step, ok: true, seconds: seconds(), ...details };
      } catch (err) {
        outcome = { step: spec.step, ok: false, ...describeError(err), seconds: seconds() };
      }
    }
    outcomes.push(outcome);
    hooks.onEnd(outcome, index);
  }
  return outcomes;
}
