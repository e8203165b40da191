/**
 * Live views of a run (issue 7: "live views for run metrics and status
 * (--follow)"): `run metrics ID [--follow]`, `run status ID [--follow]` and
 * `run cancel ID`. They read the run's server-sent events (client/sdk/run-events.ts).
 * Text output is one line per event as it comes; `--json --follow` prints
 * JSON lines, one event each, so a pipe can read them as they come; `--json`
 * without `--follow` prints one document.
 */
import { getRun } from '../../sdk/runs.js';
import { cancelRun } from '../../sdk/runs.js';
import type { RunStreamEvent } from '../../sdk/run-events.js';
import { FINAL_RUN_STATES, followRun } from '../../sdk/run-events.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { idOf, optionalString, signedClient } from './session.js';
import { runStatus } from './runs.js';

/** One event as a line of text. */
export function eventLine(e: RunStreamEvent): string {
  const time = e.at.slice(11, 19);
  switch (e.type) {
    case 'metric':
      return `${time} step ${e.step ?? '?'} ${e.metric ?? 'metric'}=${e.value ?? '?'}`;
    case 'state':
      return `${time} ${e.state ?? '?'}${e.reason ? ` (${e.reason.code}: ${e.reason.message})` : ''}`;
    case 'log':
      return `${time} log ${e.text ?? ''}`;
    default:
      return `${time} ${e.type}`;
  }
}

// Ctrl-C ends a follow quietly (exit 0): the run itself goes on.
function interruptible(): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  return { signal: controller.signal, done: () => process.off('SIGINT', stop) };
}

/**
 * Print events of `types` as they come. `follow`: until a final state or
 * Ctrl-C; else the history stored so far (the gateway ends that stream).
 */
async function stream(
  ctx: CommandContext,
  id: string,
  types: readonly string[],
  follow: boolean,
  after: number | undefined,
): Promise<RunStreamEvent[]> {
  const client = await signedClient(ctx);
  const interrupt = interruptible();
  const seen: RunStreamEvent[] = [];
  try {
    for await (const event of followRun(client, id, { after, signal: interrupt.signal, live: follow })) {
      if (!types.includes(event.type)) continue;
      seen.push(event);
      if (follow) ctx.stdout.write(ctx.json ? `${JSON.stringify(event)}\n` : `${eventLine(event)}\n`);
    }
  } finally {
    interrupt.done();
  }
  return seen;
}

/** `run metrics ID [--follow]`: the metrics the model reported (through the egress guard). */
export async function runMetrics(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = idOf(args.positionals[0], 'run', 'ID');
  const follow = args.values.follow === true;
  const seen = await stream(ctx, id, ['metric', 'state'], follow, 0);
  if (follow) return;
  const metrics = seen.filter((e) => e.type === 'metric');
  const text = metrics.length === 0 ? 'no metrics yet' : metrics.map(eventLine).join('\n');
  ctx.print(text, { run: id, metrics });
}

/** `run status ID [--follow]`: the run; with --follow each state change until it ends, then the run. */
export async function runStatusFollow(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  if (args.values.follow !== true) return runStatus(ctx, args);
  const id = idOf(args.positionals[0], 'run', 'ID');
  const seen = await stream(ctx, id, ['state'], true, undefined);
  const last = seen[seen.length - 1];
  if (last !== undefined && FINAL_RUN_STATES.includes(last.state ?? '') && !ctx.json) {
    await runStatus(ctx, args);
  }
}

/** `run cancel ID [--message M]`: cancel a run of yours. */
export async function runCancel(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const id = idOf(args.positionals[0], 'run', 'ID');
  const run = await cancelRun(await signedClient(ctx), id, optionalString(args, 'message'));
  const fresh = run.state === 'cancelled' ? run : await getRun(await signedClient(ctx), id);
  ctx.print(
    fresh.state === 'cancelled'
      ? `cancelled ${id}`
      : `cancelling ${id}: ${fresh.state} until its node stops it`,
    fresh,
  );
}
