/**
 * `sealgate release approve [RELEASE_ID]`: the seller's side of seller-held
 * custody (docs/broker.md). Every release waiting on this home's datasets (or
 * the one named) is checked here with attest and policies, approved with the
 * DEK kept in `$SEALGATE_HOME/datasets/`, or declined when its evidence or
 * sandbox check fails. Exits 1 when any release was declined.
 */
import { ReleaseCheckError, approvePending } from '../../sdk/releases.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError } from '../command.js';
import { rows, signedClient } from './session.js';

/** The release approve command (named and parsed in commands/index.ts). */
export async function runReleaseApprove(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = args.positionals[0];
  if (id !== undefined && !/^rel_[a-z2-7]{26}$/.test(id)) {
    throw new CliError('CLI_USAGE', `RELEASE_ID '${id}' is not a release id (rel_…)`);
  }
  const outcomes = await approvePending(
    await signedClient(ctx),
    ctx.home,
    id === undefined ? {} : { releaseId: id },
  );
  const human =
    outcomes.length === 0
      ? 'no release is waiting for you'
      : rows(
          outcomes.map((o) => [
            o.releaseId,
            o.outcome === 'approved'
              ? `approved (run ${o.runId})`
              : `declined: ${o.message ?? ''} (${o.code ?? ''})`,
          ]),
        );
  ctx.print(human, outcomes);
  const declined = outcomes.filter((o) => o.outcome === 'declined').length;
  if (declined > 0) {
    throw new ReleaseCheckError(
      'RELEASE_DECLINED',
      `${declined} release(s) failed the local check and were declined`,
    );
  }
}
