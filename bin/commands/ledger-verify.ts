/**
 * `sealgate ledger verify` and `sealgate ledger export`, offline, over a
 * stopped gateway's data directory or an export (gateway/ledger/cli.ts,
 * docs/ledger.md). verify prints `ledger ok: N entries, M blocks` and exits
 * 0, or one stderr line per problem (`CODE at seq S: message`) and then the
 * usual one-line failure naming the first problem's code, exit 1.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError } from '../../client/cli/index.js';
import { base64ToBytes } from '../../attest/index.js';
import { LedgerError, exportLedger, ledgerVerify, openLedgerStore } from '../../gateway/index.js';

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

/** `ledger verify (--data DIR | --export FILE --public-key B64)` */
export async function runLedgerVerify(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const data = stringOption(args, 'data');
  const file = stringOption(args, 'export');
  const keyText = stringOption(args, 'public-key');
  if ((data === undefined) === (file === undefined)) {
    throw new CliError('CLI_USAGE', 'give exactly one of --data DIR and --export FILE');
  }
  if (file !== undefined && keyText === undefined) {
    throw new CliError(
      'CLI_USAGE',
      "--export needs --public-key B64 (the gateway's gateway.pub, from a source you trust)",
    );
  }
  let key: Uint8Array | undefined;
  if (keyText !== undefined) {
    key = base64ToBytes(keyText.trim());
    if (key?.length !== 32)
      throw new CliError('CLI_USAGE', '--public-key must be base64 of a 32-byte Ed25519 key');
  }
  const report = await ledgerVerify((data ?? file) as string, key);
  const summary = `${report.entries} entries, ${report.blocks} blocks`;
  if (report.ok) {
    ctx.print(`ledger ok: ${summary}`, {
      ok: true,
      entries: report.entries,
      blocks: report.blocks,
      sealedSeq: report.sealedSeq,
    });
    return;
  }
  for (const p of report.problems) {
    const where =
      p.seq !== undefined ? ` at seq ${p.seq}` : p.height !== undefined ? ` at block ${p.height}` : '';
    ctx.stderr.write(`${p.code}${where}: ${p.message}\n`);
  }
  const count = report.problems.length + report.problemsOmitted;
  const first = report.problems[0]?.code ?? 'LEDGER_CORRUPT';
  throw new LedgerError(
    first,
    `the ledger does not verify: ${count} problem${count === 1 ? '' : 's'} in ${summary}`,
  );
}

/** `ledger export --data DIR --out FILE`: JSON lines that verify like the directory; written whole or not at all. */
export async function runLedgerExport(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const data = stringOption(args, 'data');
  const out = stringOption(args, 'out');
  if (data === undefined || out === undefined)
    throw new CliError('CLI_USAGE', 'ledger export needs --data DIR and --out FILE');
  const store = await openLedgerStore(data);
  const temp = `${out}.${process.pid}.tmp`;
  try {
    await exportLedger(store, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
    await rename(temp, out);
  } catch (err) {
    await rm(temp, { force: true });
    if (err instanceof LedgerError) throw err;
    throw new CliError('CLI_IO', `${out}: ${(err as NodeJS.ErrnoException).code ?? 'cannot write'}`, {
      cause: err,
    });
  } finally {
    await store.close();
  }
  ctx.print(`exported the ledger of ${data} to ${out}`, { data, out });
}
