/**
 * `sealgate verify RUN_ID [--out FILE] [--wait]` (the dataset's seller asks
 * the gateway for a signed verification report of a run, docs/verification.md)
 * and `sealgate report check FILE [--gateway-key B64]` (anyone checks a
 * report offline: exit 0 when it checks, whatever its verdict; non-zero with
 * a REPORT_* code on any changed byte).
 */
import { writeFile } from 'node:fs/promises';
import type { CheckedReport, Report } from '../../../attest/index.js';
import { checkReport } from '../../../attest/index.js';
import { checkReportFile, getVerification, requestVerification, waitForReport } from '../../sdk/verify.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError } from '../command.js';
import { idOf, integerOption, optionalString, rows, signedClient } from './session.js';

function describe(checked: CheckedReport, file?: string): string {
  const { body } = checked.report;
  const skipped = (part: object) => ('skipped' in part ? `skipped: ${String(part.skipped)}` : undefined);
  const egress = body.egress;
  return rows([
    ['report', file],
    ['run', body.runId],
    ['dataset', body.datasetId],
    ['signed by', `${checked.keyId} (key ${checked.publicKey})`],
    [
      'egress',
      skipped(egress) ??
        ('head' in egress
          ? `${egress.count} records, ${egress.bytes} bytes, ${egress.flags.length} flags`
          : ''),
    ],
    [
      'rescan',
      skipped(body.rescan) ?? ('flags' in body.rescan ? `${body.rescan.flags.length} findings` : ''),
    ],
    [
      'audit',
      skipped(body.audit) ??
        ('membership' in body.audit
          ? `mean exposure ${body.audit.exposure.mean} bits, AUC ${body.audit.membership.auc}`
          : ''),
    ],
    ['verdict', checked.verdict.pass ? 'pass' : 'FAIL'],
    ...checked.verdict.reasons.map((r) => ['reason', r] as const),
  ]);
}

function summary(checked: CheckedReport, file?: string) {
  return {
    ...(file === undefined ? {} : { file }),
    runId: checked.report.body.runId,
    keyId: checked.keyId,
    publicKey: checked.publicKey,
    verdict: checked.verdict,
  };
}

/** `verify RUN_ID|VERIFICATION_ID [--out FILE] [--wait] [--timeout S]`. */
export async function runVerify(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const target = args.positionals[0] ?? '';
  const client = await signedClient(ctx);
  const id = /^ver_/.test(target) ? target : await requestVerification(client, idOf(target, 'run', 'RUN_ID'));
  let report: Report | undefined;
  if (args.values.wait === true) {
    const timeout = integerOption(args, 'timeout', 1, 86_400) ?? 600;
    report = await waitForReport(client, id, { timeoutMs: timeout * 1000 });
  } else {
    const state = await getVerification(client, id);
    if (state.status === 'done') report = state.report;
  }
  if (report === undefined) {
    ctx.print(`verification ${id} is being assembled; fetch it with 'sealgate verify ${id} --wait'`, {
      verificationId: id,
      status: 'pending',
    });
    return;
  }
  // Check what the gateway sent before keeping it: a report that does not check is not written.
  const checked = checkReport(report);
  const out = optionalString(args, 'out');
  if (out !== undefined) {
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
    ctx.print(describe(checked, out), { verificationId: id, ...summary(checked, out) });
  } else ctx.print(JSON.stringify(report, null, 2), report);
}

/** `report check FILE [--gateway-key B64]`. */
export async function runReportCheck(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const file = args.positionals[0] ?? '';
  const key = optionalString(args, 'gateway-key');
  let checked: CheckedReport;
  try {
    checked = await checkReportFile(file, key);
  } catch (err) {
    if (err instanceof TypeError) throw new CliError('CLI_USAGE', `--gateway-key: ${err.message}`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError('CLI_IO', `cannot read ${file}`);
    throw err;
  }
  ctx.print(describe(checked, file), summary(checked, file));
}
