/**
 * The agent's HTTP seam: a small interface the job loop talks through (faked in
 * unit tests), and its real implementation over node:https — mutual TLS with
 * the node certificate, trusting only the pinned node CA, TLS 1.3 only, one
 * keep-alive Agent for every request (docs/node-protocol.md §1).
 */
import https from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AgentError } from './errors.js';

/** A JSON reply: its status and its parsed body (`undefined` when empty). */
export interface GatewayReply {
  readonly status: number;
  readonly body: unknown;
}

/** What the agent needs of HTTP. Paths are absolute (`/v1/node/...`). */
export interface NodeHttpClient {
  /** Send JSON (or nothing) and read a JSON reply, whatever its status. */
  json(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<GatewayReply>;
  /** GET a binary body: the stream on 200, else a reply to explain the failure. */
  download(path: string, signal?: AbortSignal): Promise<Readable | GatewayReply>;
  /** PUT a binary body of `size` bytes and read the JSON reply. */
  upload(path: string, data: Readable, size: number): Promise<GatewayReply>;
  /** Close idle connections. */
  close(): void;
}

/** TLS material of an enrolled node. */
export interface NodeTlsMaterial {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

async function readJson(res: IncomingMessage): Promise<GatewayReply> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text.slice(0, 200) };
    }
  }
  return { status: res.statusCode ?? 0, body };
}

/** Options of {@link httpsNodeClient}. */
export interface HttpsNodeClientOptions {
  /** The nodes' listener, `https://host:port`. */
  readonly baseUrl: string;
  /** mTLS material; absent for the two enrollment routes (server trust from `caPem` still applies). */
  readonly tls: Pick<NodeTlsMaterial, 'caPem'> & Partial<NodeTlsMaterial>;
}

/** The real client: node:https with one keep-alive Agent, TLS 1.3, trusting only `tls.caPem`. */
export function httpsNodeClient(options: HttpsNodeClientOptions): NodeHttpClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:') throw new TypeError('the nodes listener URL must be https://');
  const { caPem, certPem, keyPem } = options.tls;
  const agent = new https.Agent({
    keepAlive: true,
    ca: caPem,
    ...(certPem && keyPem ? { cert: certPem, key: keyPem } : {}),
    minVersion: 'TLSv1.3',
  });
  const send = (
    method: string,
    path: string,
    headers: Record<string, string | number>,
    write: (req: ClientRequest) => void,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = https.request(new URL(path, base), {
        method,
        agent,
        headers,
        ...(signal ? { signal } : {}),
      });
      req.on('response', resolve);
      req.on('error', (err) =>
        reject(
          (err as { name?: string }).name === 'AbortError'
            ? new AgentError('AGENT_JOB_ABORTED', `${method} ${path} aborted`, { cause: err })
            : new AgentError('AGENT_UNREACHABLE', `${method} ${path}: ${err.message}`, { cause: err }),
        ),
      );
      write(req);
    });
  return {
    async json(method, path, body, signal) {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (text !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(text);
      }
      const res = await send(method, path, headers, (req) => req.end(text), signal);
      return readJson(res);
    },
    async download(path, signal) {
      const res = await send('GET', path, {}, (req) => req.end(), signal);
      return res.statusCode === 200 ? res : readJson(res);
    },
    async upload(path, data, size) {
      const headers = { 'content-type': 'application/octet-stream', 'content-length': size };
      const res = await send('PUT', path, headers, (req) => {
        data.on('error', (err) => req.destroy(err));
        data.pipe(req);
      });
      return readJson(res);
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * `GET /v1/node/ca` once, before the node trusts anything: the server's chain is
 * accepted unverified for this one request only, and the caller checks the
 * returned certificate against the token's pin before using it (identity.ts).
 */
export async function fetchCaUnverified(baseUrl: string): Promise<GatewayReply> {
  const url = new URL('/v1/node/ca', baseUrl);
  if (url.protocol !== 'https:') throw new TypeError('the nodes listener URL must be https://');
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: 'GET',
      agent: false,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    });
    req.on('response', (res) => void readJson(res).then(resolve, reject));
    req.on('error', (err) =>
      reject(new AgentError('AGENT_UNREACHABLE', `GET /v1/node/ca: ${err.message}`, { cause: err })),
    );
    req.end();
  });
}
