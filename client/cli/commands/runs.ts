/**
 * `sealgate quote`, `run start`, `run status` and `rate`: the buyer's side of
 * a sealed trade (docs/runs.md, docs/ratings.md), each a signed request by
 * this home's account. `run start` prints the run id alone, so
 * `run=$(sealgate run start "$quote")` works; `--json` gives the whole record.
 */
import type { Quote, RunInfo } from '../../sdk/runs.js';
import { getRun, rateRun, requestQuote, startRun } from '../../sdk/runs.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError, requireString } from '../command.js';
import { idOf, integerOption, optionalString, repeated, rows, signedClient } from './session.js';

const PARAM_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
// a JSON number (RFC 8259 section 6): such a value is sent as a number, anything else as text
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * The `--param KEY=VALUE` options as hyperparameters: a value that is a JSON number becomes a
 * number, any other stays text; a bad or repeated key is CLI_USAGE before any request (the
 * gateway checks the count and size limits: RUN_BAD_HYPERPARAMETERS or HTTP_INVALID).
 */
export function paramsOf(args: ParsedArgs): Record<string, string | number> | undefined {
  const list = repeated(args, 'param');
  if (list.length === 0) return undefined;
  const out: Record<string, string | number> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !PARAM_KEY.test(key)) {
      throw new CliError('CLI_USAGE', `--param takes KEY=VALUE with KEY matching ${PARAM_KEY.source}`);
    }
    if (Object.hasOwn(out, key)) throw new CliError('CLI_USAGE', `--param ${key} is given twice`);
    const value = item.slice(eq + 1);
    const n = JSON_NUMBER.test(value) ? Number(value) : NaN;
    out[key] = Number.isFinite(n) ? n : value;
  }
  return out;
}

/** `quote --dataset ID --model ID --steps N [--param KEY=VALUE]...` */
export async function runQuote(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const dataset = idOf(requireString(args, 'dataset'), 'ds', '--dataset');
  const model = idOf(requireString(args, 'model'), 'mdl', '--model');
  const steps = integerOption(args, 'steps', 1, 1_000_000_000);
  if (steps === undefined) throw new CliError('CLI_USAGE', '--steps is required');
  const hyperparameters = paramsOf(args);
  const quote = await requestQuote(await signedClient(ctx), {
    dataset,
    model,
    steps,
    ...(hyperparameters ? { hyperparameters } : {}),
  });
  ctx.print(describeQuote(quote), quote);
}

// how many nodes could take it, and the best few as id (tier).
function describeNodes(q: Quote): string {
  const count = q.nodeCount ?? q.nodes.length;
  if (count === 0) return 'none eligible now';
  const best = (q.candidates ?? q.nodes.map((id) => ({ id, tier: undefined })))
    .map((c) => (c.tier ? `${c.id} (${c.tier})` : c.id))
    .join(', ');
  return `${count} eligible; best: ${best}`;
}

function describeQuote(q: Quote): string {
  const f = q.price.fiat;
  return rows([
    ['quote', q.id],
    ['steps', q.steps],
    ['params', q.hyperparameters ? JSON.stringify(q.hyperparameters) : undefined],
    ['price', `${f.total} fiat base units = compute ${f.compute} + fee ${f.baseFee} + data ${f.data}`],
    ['tokens', `${q.price.tokens} token base units (escrowed at run start)`],
    ['nodes', describeNodes(q)],
    ['queue', `${q.queueSeconds} s`],
    ['expires', q.expiresAt],
    ['next', `sealgate run start ${q.id}`],
  ]);
}

/** `run start QUOTE_ID`: escrow the quoted tokens and queue the run; prints its id. */
export async function runStart(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const quote = idOf(args.positionals[0], 'qt', 'QUOTE_ID');
  const run = await startRun(await signedClient(ctx), quote);
  ctx.print(run.id, run);
}

/** `run status ID`: the run's state, price, usage and settlement. */
export async function runStatus(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = idOf(args.positionals[0], 'run', 'ID');
  const run = await getRun(await signedClient(ctx), id);
  ctx.print(describeRun(run), run);
}

function describeRun(r: RunInfo): string {
  const s = r.settlement;
  const u = r.usage;
  return rows([
    ['run', r.id],
    ['state', r.reason ? `${r.state} (${r.reason.code}: ${r.reason.message})` : r.state],
    ['dataset', r.dataset],
    ['model', r.model],
    ['steps', r.steps],
    ['tokens', `${r.price.tokens} escrowed`],
    ['node', r.node],
    ['usage', u ? `${u.steps} steps, ${u.seconds} s, ${u.gpuSeconds} GPU-s` : undefined],
    [
      'settlement',
      s
        ? `seller ${s.seller}, publisher ${s.publisher}, miner ${s.miner}, platform ${s.platform}, refund ${s.refund}`
        : undefined,
    ],
    ['history', r.history.map((h) => `${h.state} ${h.at}`).join(', ')],
  ]);
}

/** `rate RUN_ID --stars N [--comment C]`: rate the other side of a settled run. */
export async function runRate(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = idOf(args.positionals[0], 'run', 'RUN_ID');
  const stars = integerOption(args, 'stars', 1, 5);
  if (stars === undefined) throw new CliError('CLI_USAGE', '--stars is required (1 to 5)');
  const comment = optionalString(args, 'comment');
  if (comment !== undefined && comment.length > 1000)
    throw new CliError('CLI_USAGE', '--comment is at most 1000 characters');
  const rating = await rateRun(await signedClient(ctx), id, {
    stars,
    ...(comment === undefined ? {} : { comment }),
  });
  ctx.print(`rated the ${rating.side} ${rating.of} ${rating.stars} stars for ${rating.run}`, rating);
}
