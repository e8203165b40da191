/**
 * The `sealgate` CLI run inside the test process: the runner and command table
 * the binary uses (bin/sealgate.ts joins client's commands with bin's service
 * commands and calls client's `main`), with the environment given and the
 * output captured. Runs are independent: each has its own streams and
 * environment, so they may overlap.
 */
import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import type { Command } from '../../client/cli/index.js';
import { commands, main } from '../../client/cli/index.js';

/** bin/ is the composition root that nothing imports; the built table is loaded at run time. */
const SERVICE_COMMANDS = new URL('../../bin/commands.js', import.meta.url).href;

let table: Promise<readonly Command[]> | undefined;

function sink(collect: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      collect(String(chunk));
      done();
    },
  });
}

/**
 * Run `sealgate ARGS...` with `env` as its whole environment; the exit code and what it printed.
 * `over` replaces the binary's command table (a test's stand-ins for it).
 */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  over?: readonly Command[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  table ??= import(SERVICE_COMMANDS).then((m: { serviceCommands: readonly Command[] }) => [
    ...commands,
    ...m.serviceCommands,
  ]);
  let stdout = '';
  let stderr = '';
  const code = await main(args, over ?? (await table), {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    env,
  });
  await tick(); // let the streams finish their last writes
  return { code, stdout, stderr };
}
