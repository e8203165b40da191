/**
 * A node's bond and its penalties from the command line
 * (docs/bonds-and-placement.md): `node bond` posts to the bond, `node unbond`
 * withdraws, `node bond-status` reads it (the node's miner, or the operator
 * with --key-file), `penalty appeal` is the miner's and `penalty decide` the
 * operator's. Amounts are token base units, as in `admin credit`; ids and
 * amounts are checked here before any request.
 */
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError, requireString } from '../command.js';
import type { BondInfo, PenaltyInfo } from '../../sdk/bonds.js';
import { appealPenalty, bondStatus, decidePenalty, postBond, withdrawBond } from '../../sdk/bonds.js';
import { replayNote, requestIdOf, withRetryHint } from './retry.js';
import { amountOf, optionalString, rows, signedClient } from './session.js';

function nodeIdOf(value: string | undefined): string {
  if (!/^node_[a-z2-7]{32}$/.test(value ?? ''))
    throw new CliError(
      'CLI_USAGE',
      `NODE_ID '${value ?? ''}' is not a node id (node_ and 32 base32 letters)`,
    );
  return value as string;
}

// The gateway's penalty ids: pen_CAUSE_JOBID (gateway/bonds/records.ts).
function penaltyIdOf(value: string | undefined): string {
  if (!/^pen_[a-z-]+_job_[A-Za-z0-9_-]+$/.test(value ?? ''))
    throw new CliError('CLI_USAGE', `PENALTY_ID '${value ?? ''}' is not a penalty id (pen_CAUSE_job_…)`);
  return value as string;
}

/** Why a node is not scheduled, or undefined when it is. */
function blocker(b: BondInfo): string | undefined {
  const short = BigInt(b.minimumBond) - BigInt(b.bond);
  if (short > 0n)
    return `bond below the minimum: post ${short} more (sealgate node bond ${b.nodeId} ${short})`;
  if (BigInt(b.debt) > 0n) return `debt outstanding: a bond top-up repays it first`;
  if (!b.schedulable) return 'a forged-evidence penalty is pending';
  return undefined;
}

function penaltyLine(p: PenaltyInfo): string {
  const open = p.state === 'proposed' ? `, appeal by ${p.appealBy}` : '';
  return `  ${p.id}  ${p.cause} ${p.amount}  ${p.state}${open}  (${p.code}, ${p.runId})`;
}

/** The bond as text: amounts, whether it is scheduled and why not, its penalties. */
export function describeBond(b: BondInfo): string {
  const why = blocker(b);
  return [
    rows([
      ['node', b.nodeId],
      ['bond', `${b.bond} token base units`],
      ['minimum', b.minimumBond],
      ['debt', b.debt],
      ['schedulable', why === undefined ? 'yes' : `no: ${why}`],
    ]),
    ...(b.penalties.length === 0 ? [] : ['penalties:', ...b.penalties.map(penaltyLine)]),
  ].join('\n');
}

function nodeAndAmount(args: ParsedArgs): [string, string] {
  const [node, amount] = args.positionals;
  return [nodeIdOf(node), amountOf(amount ?? '', 'AMOUNT')];
}

/**
 * `sealgate node bond NODE_ID AMOUNT [--request-id ID]`: post from this
 * home's miner account; safe to re-run with the id after a lost reply.
 */
export async function runNodeBond(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const [nodeId, amount] = nodeAndAmount(args);
  const requestId = requestIdOf(args);
  const client = await signedClient(ctx);
  const b = await withRetryHint(requestId, () => postBond(client, nodeId, amount, { requestId }));
  ctx.print(describeBond(b) + replayNote(requestId, b.replayed), b);
}

/** `sealgate node unbond NODE_ID AMOUNT [--request-id ID]`: withdraw to this home's miner account. */
export async function runNodeUnbond(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const [nodeId, amount] = nodeAndAmount(args);
  const requestId = requestIdOf(args);
  const client = await signedClient(ctx);
  const b = await withRetryHint(requestId, () => withdrawBond(client, nodeId, amount, { requestId }));
  ctx.print(describeBond(b) + replayNote(requestId, b.replayed), b);
}

/** `sealgate node bond-status NODE_ID [--key-file F]`: the miner's or the operator's view. */
export async function runNodeBondStatus(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const nodeId = nodeIdOf(args.positionals[0]);
  const b = await bondStatus(await signedClient(ctx, optionalString(args, 'key-file')), nodeId);
  ctx.print(describeBond(b), b);
}

/** `sealgate penalty appeal PENALTY_ID --reason TEXT`: the node's miner, before the window closes. */
export async function runPenaltyAppeal(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = penaltyIdOf(args.positionals[0]);
  const reason = requireString(args, 'reason');
  if (reason.length > 2000) throw new CliError('CLI_USAGE', '--reason must be at most 2000 characters');
  const p = await appealPenalty(await signedClient(ctx), id, reason);
  ctx.print(`${p.id}: ${p.state}; the operator decides (sealgate penalty decide)`, p);
}

/** `sealgate penalty decide PENALTY_ID (--uphold | --waive) [--key-file F]`: the operator. */
export async function runPenaltyDecide(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = penaltyIdOf(args.positionals[0]);
  const uphold = args.values.uphold === true;
  if (uphold === (args.values.waive === true))
    throw new CliError('CLI_USAGE', 'give exactly one of --uphold and --waive');
  const p = await decidePenalty(await signedClient(ctx, optionalString(args, 'key-file')), id, uphold);
  const taken = p.taken ? `; taken ${p.taken.fromBond} from the bond, ${p.taken.debt} as debt` : '';
  ctx.print(`${p.id}: ${p.state}${taken}`, p);
}
