/**
 * The end of an owner's egress log and its signed head (docs/egress-protocol.md
 * section 4 step 4; docs/guard.md, "Heads"): when a run reaches a final state
 * (or an inference's answers are written), what it still holds is released,
 * its scanner's tail findings go to the seller as flags, and the gateway
 * signs the head over the log's Merkle root. A head asked for before it was
 * signed is signed then, when the run has ended.
 */
import { isFinal } from '../runs/machine.js';
import { GuardError } from './errors.js';
import { flagOwnerOf, tailFlagOps } from './flags.js';
import type { SignedEgressHead } from './records.js';
import { releaseAtCloseLocked } from './release.js';
import type { Finding } from './scanner.js';
import type { GuardDeps } from './state.js';

/**
 * Close `owner`'s log under the store's lock: release what it holds, tell
 * the seller its scanner's `tail` findings (action `flag`), and sign its head
 * (once: a second close returns the first head).
 */
export function closeOwnerLog(
  deps: GuardDeps,
  owner: string,
  tail: readonly Finding[],
): Promise<SignedEgressHead> {
  const { store, log } = deps;
  return store.exclusive(async () => {
    const stored = await log.state(owner);
    const state = stored && (await releaseAtCloseLocked(deps, stored));
    if (state && tail.length > 0) {
      await store.write(tailFlagOps(store, flagOwnerOf(state), tail, deps.now().toISOString()));
    }
    return log.closeLocked(owner, deps.now().toISOString());
  });
}

/**
 * The signed head of `owner`'s log: the stored one, or for an ended run one
 * signed now by `close`; GUARD_LOG_OPEN for a run still open,
 * GUARD_LOG_NOT_FOUND for an inference without a head.
 */
export async function signedHead(
  deps: GuardDeps,
  owner: string,
  close: (owner: string) => Promise<SignedEgressHead>,
): Promise<SignedEgressHead> {
  const stored = await deps.log.head(owner);
  if (stored) return stored;
  if (owner.startsWith('run_')) {
    const run = await deps.runs.get(owner);
    if (!isFinal(run.state)) throw new GuardError('GUARD_LOG_OPEN', `${owner} has not ended`);
    return close(owner);
  }
  throw new GuardError('GUARD_LOG_NOT_FOUND', `no egress head for ${owner}`);
}
