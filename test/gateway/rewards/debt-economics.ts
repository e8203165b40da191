/**
 * The economics document of the debt tests (debt.test.ts, debt-api.test.ts),
 * chosen so the amounts come out small and exact: the token has no decimals
 * and the first year emits 525 600 tokens, i.e. exactly 60 an hour (a year is
 * 8 760 hours, emission is floor(annual × elapsed / year)); both reward
 * probabilities are 1, so the pool goes to the nodes by contribution; a
 * forged-evidence penalty is the whole minimum bond (100) and a failed run 30%
 * of it (30).
 */
export const DEBT_ECONOMICS = {
  token: { decimals: 0 },
  emission: { totalTokens: '5256000', initialAnnualTokens: '525600' },
  rewards: { firstDeploymentPpm: 1_000_000, establishedPpm: 1_000_000 },
  bonds: { minimumBond: '100', appealWindowSeconds: 3600, failedRunPpm: 300_000 },
};
