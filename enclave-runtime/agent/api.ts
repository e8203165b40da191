/**
 * The nodes' HTTP protocol as calls (docs/node-protocol.md §2–§4): each method
 * sends one request, refuses an unexpected status (AgentError AGENT_GATEWAY,
 * carrying the gateway's own code) and returns a checked value.
 */
import type { Readable } from 'node:stream';
import type { EvidenceDocument } from '../../attest/index.js';
import type { GpuInfo } from '../docker/types.js';
import { AgentError } from './errors.js';
import type { GatewayReply, NodeHttpClient } from './http.js';
import type { Job } from './job-schema.js';
import { parseJob } from './job-schema.js';

/** The gateway's error code and message in a reply (`{error:{code,message}}` or `{code,message}`). */
export function gatewayError(reply: GatewayReply): { code: string; message: string } {
  const body = (reply.body ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const inner = (typeof body.error === 'object' && body.error !== null ? body.error : body) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    code: typeof inner.code === 'string' ? inner.code : `HTTP_${reply.status}`,
    message: typeof inner.message === 'string' ? inner.message : `status ${reply.status}`,
  };
}

function expect(reply: GatewayReply, what: string, ...statuses: number[]): GatewayReply {
  if (statuses.includes(reply.status)) return reply;
  const { code, message } = gatewayError(reply);
  throw new AgentError('AGENT_GATEWAY', `${what}: ${code}: ${message}`, { gatewayCode: code });
}

function field<T>(body: unknown, name: string, check: (v: unknown) => boolean, what: string): T {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (!check(value)) throw new AgentError('AGENT_GATEWAY', `${what}: the reply has no valid ${name}`);
  return value as T;
}
const isString = (v: unknown) => typeof v === 'string' && v !== '';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** The outcome of a key release request: the wrapped key, or a seller-custody wait. */
export type ReleaseReply =
  | {
      readonly status: 'released';
      readonly wrappedKey: string;
      readonly keyId: string;
      /** Audit jobs: the sealed model's key, sealed to the same ephemeral key. */
      readonly modelWrappedKey?: string;
    }
  | { readonly status: 'pending'; readonly releaseId: string };

/** A control instruction from a heartbeat reply. */
export interface Control {
  readonly runId: string;
  readonly action: 'cancel' | 'pause' | 'resume';
}

/** The protocol's calls, over a {@link NodeHttpClient}. */
export class NodeApi {
  constructor(readonly http: NodeHttpClient) {}

  /** POST heartbeat → `{heartbeatSeconds, control}` (control entries that do not parse are skipped). */
  async heartbeat(body: {
    runtimeVersion: string;
    capacity: { cpus: number; memoryBytes: number; gpus: GpuInfo[] };
    runs: string[];
  }): Promise<{ heartbeatSeconds: number; control: Control[] }> {
    const reply = expect(await this.http.json('POST', '/v1/node/heartbeat', body), 'heartbeat', 200);
    const heartbeatSeconds = field<number>(
      reply.body,
      'heartbeatSeconds',
      (v) => isNumber(v) && (v as number) > 0,
      'heartbeat',
    );
    const raw = (reply.body as { control?: unknown }).control;
    const control = (Array.isArray(raw) ? raw : []).filter(
      (c): c is Control =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as Control).runId === 'string' &&
        ['cancel', 'pause', 'resume'].includes((c as Control).action),
    );
    return { heartbeatSeconds, control };
  }

  /** Long-poll for a job; undefined on 204. */
  async nextJob(waitSeconds: number, signal?: AbortSignal): Promise<Job | undefined> {
    const reply = expect(
      await this.http.json('GET', `/v1/node/jobs?waitSeconds=${waitSeconds}`, undefined, signal),
      'jobs',
      200,
      204,
    );
    if (reply.status === 204) return undefined;
    return parseJob((reply.body as { job?: unknown } | undefined)?.job);
  }

  /** The stream of a blob; AGENT_GATEWAY when the gateway refuses. */
  async blob(digest: string, signal?: AbortSignal): Promise<Readable> {
    const got = await this.http.download(`/v1/node/blobs/${digest}`, signal);
    if ('status' in got && !('pipe' in got)) expect(got, `blob ${digest}`, 200);
    return got as Readable;
  }

  async uploadBlob(digest: string, data: Readable, size: number): Promise<void> {
    expect(await this.http.upload(`/v1/node/blobs/${digest}`, data, size), 'upload', 200, 201, 204);
  }

  async nonce(runId: string, jobId: string): Promise<string> {
    const reply = expect(
      await this.http.json('POST', `/v1/node/runs/${runId}/nonce`, { jobId }),
      'nonce',
      201,
      200,
    );
    return field<string>(reply.body, 'nonce', isString, 'nonce');
  }

  async evidence(
    runId: string,
    body: { jobId: string; evidence: EvidenceDocument; inspect: unknown },
  ): Promise<ReleaseReply> {
    const reply = expect(
      await this.http.json('POST', `/v1/node/runs/${runId}/evidence`, body),
      'key release',
      200,
      202,
    );
    return releaseReply(reply, 'key release');
  }

  /** One poll of a seller-custody release: undefined while pending. */
  async release(releaseId: string, signal?: AbortSignal): Promise<ReleaseReply | undefined> {
    const reply = expect(
      await this.http.json('GET', `/v1/node/releases/${releaseId}`, undefined, signal),
      'key release',
      200,
      202,
    );
    return reply.status === 202 ? undefined : releaseReply(reply, 'key release');
  }

  /** Egress records through the gateway's guard (docs/egress-protocol.md section 3). */
  async egress(runId: string, body: { jobId: string; records: unknown[] }): Promise<{ stop: boolean }> {
    const reply = await this.http.json('POST', `/v1/node/runs/${runId}/egress`, body);
    expect(reply, 'egress', 200);
    return { stop: (reply.body as { stop?: unknown } | undefined)?.stop === true };
  }

  async complete(runId: string, body: unknown): Promise<void> {
    expect(await this.http.json('POST', `/v1/node/runs/${runId}/complete`, body), 'complete', 200, 204);
  }

  async fail(runId: string, body: { jobId: string; code: string; message: string }): Promise<void> {
    expect(await this.http.json('POST', `/v1/node/runs/${runId}/fail`, body), 'fail', 200, 204);
  }

  async answers(inferenceId: string, body: { jobId: string; answers: unknown[] }): Promise<void> {
    expect(
      await this.http.json('POST', `/v1/node/inferences/${inferenceId}/answers`, body),
      'answers',
      200,
      204,
    );
  }

  async failInference(
    inferenceId: string,
    body: { jobId: string; code: string; message: string },
  ): Promise<void> {
    expect(await this.http.json('POST', `/v1/node/inferences/${inferenceId}/fail`, body), 'fail', 200, 204);
  }

  /** An audit job's losses, one per canary (docs/audit.md). */
  async auditAnswers(auditId: string, body: { jobId: string; answers: unknown[] }): Promise<void> {
    expect(await this.http.json('POST', `/v1/node/audits/${auditId}/answers`, body), 'answers', 200, 204);
  }

  async failAudit(auditId: string, body: { jobId: string; code: string; message: string }): Promise<void> {
    expect(await this.http.json('POST', `/v1/node/audits/${auditId}/fail`, body), 'fail', 200, 204);
  }
}

function releaseReply(reply: GatewayReply, what: string): ReleaseReply {
  if (reply.status === 202) {
    return { status: 'pending', releaseId: field<string>(reply.body, 'releaseId', isString, what) };
  }
  const model = (reply.body as { modelWrappedKey?: unknown } | null)?.modelWrappedKey;
  return {
    status: 'released',
    wrappedKey: field<string>(reply.body, 'wrappedKey', isString, what),
    keyId: field<string>(reply.body, 'keyId', isString, what),
    ...(model === undefined
      ? {}
      : { modelWrappedKey: field<string>(reply.body, 'modelWrappedKey', isString, what) }),
  };
}
