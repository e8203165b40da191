/**
 * `sealgate infer RUN_ID --input FILE`: sealed inference for the buyer of a
 * settled run. FILE holds JSON lines, one query each; the answers print one
 * per line in the same order (`{inferenceId, answers}` with --json).
 */
import { readFile } from 'node:fs/promises';
import { infer } from '../../sdk/inference.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError, requireString } from '../command.js';
import { idOf, integerOption, signedClient } from './session.js';

export async function runInfer(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const runId = idOf(args.positionals[0], 'run', 'run id');
  const file = requireString(args, 'input');
  const waitSeconds = integerOption(args, 'wait', 1, 3600) ?? 300;
  const inputs = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError('CLI_IO', `${file}: ${err.code ?? 'unreadable'}`, { cause: err });
  });
  const lines = inputs.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new CliError('CLI_USAGE', `${file} holds no query (one JSON object a line)`);
  for (const [i, line] of lines.entries()) {
    try {
      JSON.parse(line);
    } catch (err) {
      throw new CliError('CLI_USAGE', `${file} line ${i + 1} is not JSON`, { cause: err });
    }
  }
  const client = await signedClient(ctx);
  const info = await infer(client, runId, `${lines.join('\n')}\n`, { timeoutMs: waitSeconds * 1000 });
  const answers = info.answers ?? [];
  ctx.print(answers.map((a) => JSON.stringify(a)).join('\n'), { inferenceId: info.inferenceId, answers });
}
