/**
 * What the demo reports: one line per step of the trade, each with what it
 * proved. A step that shows an attack failing records the error code it failed
 * with, so the output says why, not merely that it threw.
 */
import { isSealgateError } from '../../attest/index.js';

export interface StepResult {
  readonly step: string;
  readonly actor: string;
  readonly detail: string;
}

export class DemoLog {
  readonly steps: StepResult[] = [];

  constructor(private readonly onStep: (result: StepResult, index: number) => void) {}

  record(actor: string, step: string, detail: string): void {
    const result = { actor, step, detail };
    this.steps.push(result);
    this.onStep(result, this.steps.length);
  }

  /** Run `attack`, which must fail with a sealgate error of `code`; record that it did. */
  async refused(actor: string, step: string, code: string, attack: () => unknown): Promise<void> {
    try {
      await attack();
    } catch (err) {
      if (isSealgateError(err, code)) {
        this.record(actor, step, `refused: ${code}`);
        return;
      }
      throw err;
    }
    throw new Error(`demo: ${step} was not refused`);
  }
}
