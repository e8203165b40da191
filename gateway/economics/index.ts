/**
 * Pure economics (DESIGN.md 9, issue 6): one file per concern. Each engineer
 * adds their export lines here, kept together.
 */
// bonds, penalties and placement (wt-bonds, docs/bonds-and-placement.md)
export { BondError, BOND_STATUSES } from './bond-errors.js';
export type { BondErrorCode } from './bond-errors.js';
export {
  PENALTY_CAUSES,
  appealDeadline,
  appealPhase,
  penaltyAmount,
  repayFirst,
  splitPenalty,
  takePenalty,
} from './penalties.js';
export type { AppealPhase, PenaltyCause, PenaltySplit, Repayment, Taking } from './penalties.js';
export { ineligibility, placementScore, queueEstimate, rankNodes } from './placement.js';
export type { Candidate, Ineligibility, PlacementNode, PlacementRequest, Ranking } from './placement.js';
