/**
 * Verification reports from the seller's side (docs/verification.md): ask
 * the gateway for a verification of a run, wait for the signed report, and
 * check it offline with attest's `checkReport` (anyone can: the report
 * carries the gateway's key, which a checker may pin).
 */
import { readFile } from 'node:fs/promises';
import type { CheckedReport, Report } from '../../attest/index.js';
import { ReportError, base64ToBytes, checkReport } from '../../attest/index.js';
import type { GatewayClient } from './gateway-client.js';
import { expectShape } from './reply.js';

/** A verification as the gateway reports it. */
export type VerificationState =
  | { readonly verificationId: string; readonly status: 'pending' }
  | { readonly verificationId: string; readonly status: 'done'; readonly report: Report };

/** Ask for a verification of run `runId` (its dataset's seller only); returns its id. */
export async function requestVerification(client: GatewayClient, runId: string): Promise<string> {
  const reply = await client.request('POST', `/v1/runs/${encodeURIComponent(runId)}/verifications`, {
    signed: true,
  });
  return expectShape<{ verificationId: string }>(reply, 'verification', { verificationId: 'string' })
    .verificationId;
}

/** Verification `id`: pending, or done with its report (not yet checked). */
export async function getVerification(client: GatewayClient, id: string): Promise<VerificationState> {
  const reply = await client.request('GET', `/v1/verifications/${encodeURIComponent(id)}`, { signed: true });
  const state = expectShape<{ verificationId: string; status: string }>(reply, 'verification', {
    verificationId: 'string',
    status: 'string',
  });
  if (state.status === 'pending') return { verificationId: state.verificationId, status: 'pending' };
  return expectShape<VerificationState>(reply, 'verification', {
    status: (v) => v === 'done',
    report: 'object',
  });
}

/** Options of {@link waitForReport}. */
export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Between reads (default 1 s). */
  readonly intervalMs?: number;
}

/** Read verification `id` until its report is ready; undefined when `timeoutMs` passes first. */
export async function waitForReport(
  client: GatewayClient,
  id: string,
  options: WaitOptions = {},
): Promise<Report | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const state = await getVerification(client, id);
    if (state.status === 'done') return state.report;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
}

/**
 * Check the report in file `path` offline; `gatewayKey` (base64) pins the
 * gateway's key. Throws ReportError (REPORT_MALFORMED for a file that is not JSON).
 */
export async function checkReportFile(path: string, gatewayKey?: string): Promise<CheckedReport> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportError('REPORT_MALFORMED', `${path} is not JSON`, { cause: err });
  }
  if (gatewayKey === undefined) return checkReport(value);
  const key = base64ToBytes(gatewayKey);
  if (key?.length !== 32) throw new TypeError('the gateway key is base64 of 32 bytes');
  return checkReport(value, { gatewayKey: key });
}
