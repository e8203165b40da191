/**
 * The details a transition or a metric carries (from the node API of issue 4
 * and the guard of issue 5), checked before they reach a record: each bad
 * field is RUN_BAD_DETAILS naming it.
 */
import { isKeyId } from '../../attest/index.js';
import { isAccount } from '../ledger/index.js';
import { RunError } from './errors.js';
import type { RunEvent } from './machine.js';
import type { RunRecord } from './record.js';

/** What a transition may carry. */
export interface TransitionDetails {
  /** `place`: the node that holds the run (a node id; before issue 4, the miner's account id). */
  readonly node?: string;
  /** `place`: the account paid for the node's work (issue 4); settlement pays it. */
  readonly miner?: string;
  /** `seal-output` (issue 4): the sealed model the node uploaded. */
  readonly output?: NonNullable<RunRecord['output']>;
  /** `settle`: the node's usage receipt. */
  readonly usage?: NonNullable<RunRecord['usage']>;
  /** `fail`, `cancel`, `flag`: why. */
  readonly reason?: { readonly code: string; readonly message: string };
}

/** A metric record (DESIGN.md 6.5). */
export interface MetricInput {
  readonly metric: string;
  readonly step: number;
  readonly value: number;
}

const METRIC_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

function bad(message: string): RunError {
  return new RunError('RUN_BAD_DETAILS', message);
}

function nonNegative(value: unknown, integer: boolean): boolean {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    (!integer || Number.isSafeInteger(value))
  );
}

/** The default reason of an end that came without one. */
export function defaultReason(event: RunEvent): { code: string; message: string } {
  if (event === 'cancel') return { code: 'RUN_CANCELLED', message: 'cancelled by the buyer' };
  if (event === 'flag') return { code: 'RUN_FLAGGED', message: 'flagged by the egress guard' };
  return { code: 'RUN_FAILED', message: 'the run failed' };
}

/** Check the details `event` needs; returns the fields to merge into the run. */
export function checkDetails(event: RunEvent, details: TransitionDetails): Partial<RunRecord> {
  if (event === 'place') {
    if (typeof details.node !== 'string' || !isAccount(`user:${details.node}`)) {
      throw bad('place needs the node (a node id or a miner account id)');
    }
    if (details.miner !== undefined && !isKeyId('account', details.miner)) {
      throw bad('the miner of a placed run is an account id');
    }
    return { node: details.node, ...(details.miner === undefined ? {} : { miner: details.miner }) };
  }
  if (event === 'seal-output' && details.output !== undefined) {
    const o = details.output;
    if (
      typeof o.digest !== 'string' ||
      !nonNegative(o.size, true) ||
      typeof o.wrappedKey !== 'string' ||
      typeof o.keyId !== 'string'
    ) {
      throw bad('a sealed output is a digest, a size, a wrapped key and a key id');
    }
    return { output: { digest: o.digest, size: o.size, wrappedKey: o.wrappedKey, keyId: o.keyId } };
  }
  if (event === 'settle') {
    const u = details.usage;
    if (
      typeof u !== 'object' ||
      !nonNegative(u.steps, true) ||
      !nonNegative(u.cpuSeconds, false) ||
      !nonNegative(u.gpuSeconds, false) ||
      !nonNegative(u.seconds, false)
    ) {
      throw bad('settle needs a usage receipt: steps (integer), cpuSeconds, gpuSeconds, seconds, all >= 0');
    }
    return {
      usage: { steps: u.steps, cpuSeconds: u.cpuSeconds, gpuSeconds: u.gpuSeconds, seconds: u.seconds },
    };
  }
  if (event === 'fail' || event === 'cancel' || event === 'flag') {
    const r = details.reason ?? defaultReason(event);
    if (
      typeof r.code !== 'string' ||
      !REASON_CODE.test(r.code) ||
      typeof r.message !== 'string' ||
      r.message.length > 1000
    ) {
      throw bad('a reason is an UPPER_SNAKE code and a message of at most 1000 characters');
    }
    return { reason: { code: r.code, message: r.message } };
  }
  return {};
}

/** Check a metric record; returns it with only its three fields. */
export function checkMetric(input: MetricInput): MetricInput {
  if (typeof input.metric !== 'string' || !METRIC_NAME.test(input.metric))
    throw bad('a metric name is [a-z][a-z0-9_]{0,31}');
  if (!nonNegative(input.step, true)) throw bad('a metric step is an integer >= 0');
  if (typeof input.value !== 'number' || !Number.isFinite(input.value))
    throw bad('a metric value is a finite number');
  return { metric: input.metric, step: input.step, value: input.value };
}
