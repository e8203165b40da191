/**
 * `sealgate dataset generate --rows N --seed S [--out FILE]`: the synthetic
 * people dataset (client/sdk/synthetic.ts) as CSV, to stdout or to FILE
 * (written whole or not at all, streamed so any size fits in flat memory).
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeAtomically } from '../../sdk/atomic-file.js';
import { datasetChunks } from '../../sdk/synthetic.js';
import { CliError, requireString } from '../command.js';
import type { CommandContext, ParsedArgs } from '../command.js';

/** A decimal integer option in [min, max], or a usage error naming it. */
function integerOption(args: ParsedArgs, name: string, min: number, max: number): number {
  const text = requireString(args, name);
  const value = Number(text);
  if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError('CLI_USAGE', `--${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** `sealgate dataset generate` (named and parsed in commands/index.ts). */
export async function runDatasetGenerate(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const rows = integerOption(args, 'rows', 0, 100_000_000);
  const seed = integerOption(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
  const out = args.values.out;
  if (out === undefined) {
    if (ctx.json) throw new CliError('CLI_USAGE', '--json needs --out: the CSV itself goes to stdout');
    for (const chunk of datasetChunks({ rows, seed })) {
      if (!ctx.stdout.write(chunk)) await once(ctx.stdout, 'drain');
    }
    return;
  }
  if (typeof out !== 'string' || out === '') throw new CliError('CLI_USAGE', '--out needs a file name');
  let bytes = 0;
  try {
    await writeAtomically(out, 0o600, async (stream) => {
      const counted = function* () {
        for (const chunk of datasetChunks({ rows, seed })) {
          bytes += Buffer.byteLength(chunk);
          yield chunk;
        }
      };
      await pipeline(Readable.from(counted()), stream);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError('CLI_IO', `${out}: ${code ?? 'cannot write'}`, { cause: err });
  }
  ctx.print(`generated ${rows} synthetic people (seed ${seed}) -> ${out}: ${bytes} bytes`, {
    out,
    rows,
    seed,
    bytes,
  });
}
