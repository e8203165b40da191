/**
 * Sealed inference (DESIGN.md 5 step 12): the buyer of a settled run sends
 * queries; a sealed predict container, given the model key only after
 * attestation, answers them. The buyer never holds the model or its key.
 */
import type { GatewayClient } from './gateway-client.js';
import { GatewayRequestError } from './gateway-client.js';
import { expectShape } from './reply.js';

/** An inference as the buyer sees it. */
export interface InferenceInfo {
  readonly inferenceId: string;
  readonly runId: string;
  readonly state: 'queued' | 'running' | 'answered' | 'failed';
  /** One answer per query, in order, once answered. */
  readonly answers?: readonly unknown[];
  readonly reason?: { readonly code: string; readonly message: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

function parseInference(reply: unknown): InferenceInfo {
  return expectShape<InferenceInfo>(reply, 'an inference', {
    inferenceId: 'string',
    runId: 'string',
    state: 'string',
    createdAt: 'string',
    updatedAt: 'string',
  });
}

/** Queue `inputs` (JSON lines, one query a line) for run `runId`'s sealed model; returns the inference id. */
export async function requestInference(
  client: GatewayClient,
  runId: string,
  inputs: string,
): Promise<string> {
  const reply = await client.request('POST', `/v1/runs/${encodeURIComponent(runId)}/infer`, {
    body: { inputs },
    signed: true,
  });
  return expectShape<{ inferenceId: string }>(reply, 'an inference id', { inferenceId: 'string' })
    .inferenceId;
}

/** An inference of the caller's (the run's buyer). */
export async function getInference(client: GatewayClient, inferenceId: string): Promise<InferenceInfo> {
  const path = `/v1/inferences/${encodeURIComponent(inferenceId)}`;
  return parseInference(await client.request('GET', path, { signed: true }));
}

/**
 * Ask and wait: queue the queries, poll until they are answered or failed
 * (INFERENCE_FAILED with the node's reason) or `timeoutMs` passes
 * (INFERENCE_TIMEOUT, the inference id in the message so it can be read later).
 */
export async function infer(
  client: GatewayClient,
  runId: string,
  inputs: string,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<InferenceInfo> {
  const id = await requestInference(client, runId, inputs);
  const until = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const info = await getInference(client, id);
    if (info.state === 'answered') return info;
    if (info.state === 'failed') {
      const why = info.reason ? `${info.reason.code}: ${info.reason.message}` : 'no reason given';
      throw new GatewayRequestError('INFERENCE_FAILED', `inference ${id} failed (${why})`, 200);
    }
    if (Date.now() > until) {
      throw new GatewayRequestError('INFERENCE_TIMEOUT', `inference ${id} is still ${info.state}`, 200);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
