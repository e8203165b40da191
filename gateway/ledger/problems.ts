/** The findings of an offline verification, capped so a wrecked ledger still gives a short report. */
import type { LedgerVerifyCode } from './errors.js';

/** One broken invariant, with where it was found. */
export interface LedgerProblem {
  readonly code: LedgerVerifyCode;
  readonly message: string;
  readonly seq?: number;
  readonly height?: number;
}

/** The most problems a report lists; the rest are only counted. */
export const MAX_PROBLEMS = 1000;

/** A capped list of problems. */
export class Problems {
  readonly list: LedgerProblem[] = [];
  omitted = 0;

  add(code: LedgerVerifyCode, message: string, where: { seq?: number; height?: number } = {}): void {
    if (this.list.length >= MAX_PROBLEMS) this.omitted += 1;
    else this.list.push({ code, message, ...where });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
