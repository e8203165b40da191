/**
 * The gateway client: every call is an HTTP request to the gateway's public
 * API, signed (RFC 9421, DESIGN.md 6.1) by the caller's account key when one
 * is given. A 4xx/5xx reply becomes a GatewayRequestError carrying the
 * gateway's code and message, so the CLI can print them as one line.
 */
import type { SigningKeyPair } from '../../attest/index.js';
import { BodySha256, SealgateError, accountId, signRequest } from '../../attest/index.js';

/** How a client reaches the gateway and who it is. */
export interface GatewayClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:7700`. */
  readonly gateway: string;
  /** The account key that signs requests (reads of public data need none). */
  readonly key?: SigningKeyPair;
  /** The clock (tests may shift it). */
  readonly now?: () => Date;
  /** fetch (tests may pass `app.inject`-backed fetch). */
  readonly fetch?: typeof fetch;
}

/** A request the gateway refused, or one that never reached it (code CLIENT_UNREACHABLE). */
export class GatewayRequestError extends SealgateError<string> {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** One request: a JSON body (or raw bytes), signed or not. */
export interface GatewayRequestInit {
  readonly body?: unknown;
  /** Sign it (default: when the client has a key). */
  readonly signed?: boolean;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A thin, typed-by-caller client for the gateway's HTTP API. */
export class GatewayClient {
  readonly base: string;
  private readonly now: () => Date;
  private readonly fetchFn: typeof fetch;

  constructor(readonly options: GatewayClientOptions) {
    this.base = options.gateway.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    this.fetchFn = options.fetch ?? fetch;
  }

  /** The signing account's id (TypeError without a key). */
  get accountId(): string {
    if (!this.options.key) throw new TypeError('this client has no account key');
    return accountId(this.options.key.publicKey);
  }

  /** Send a request and parse the JSON reply; throws GatewayRequestError on 4xx/5xx. */
  async request<T>(method: string, path: string, init: GatewayRequestInit = {}): Promise<T> {
    const response = await this.send(method, path, init);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Stream a body too large to hold (a blob): signed through its SHA-256,
   * which the caller computed beforehand (the gateway checks the bytes against it).
   */
  async sendStream(
    method: string,
    path: string,
    body: AsyncIterable<Uint8Array>,
    options: { readonly sha256: Uint8Array; readonly length: number; readonly contentType?: string },
  ): Promise<Response> {
    if (!this.options.key) throw new TypeError(`${method} ${path} must be signed: give the client a key`);
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/octet-stream',
      'content-length': String(options.length),
      ...signRequest({
        method,
        path,
        body: new BodySha256(options.sha256),
        key: this.options.key,
        keyId: this.accountId,
        now: this.now(),
      }),
    };
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers,
        body: body as unknown as BodyInit, // undici streams an async iterable
        duplex: 'half',
      } as globalThis.RequestInit & { duplex: 'half' });
    } catch (err) {
      throw new GatewayRequestError('CLIENT_UNREACHABLE', `cannot reach the gateway at ${this.base}`, 0, {
        cause: err,
      });
    }
    if (response.ok) return response;
    throw await refusal(response);
  }

  /** Send a request and return the raw response (for streams); throws on 4xx/5xx. */
  async send(method: string, path: string, init: GatewayRequestInit = {}): Promise<Response> {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers: Record<string, string> = { ...init.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (init.signed ?? this.options.key !== undefined) {
      if (!this.options.key) throw new TypeError(`${method} ${path} must be signed: give the client a key`);
      Object.assign(
        headers,
        signRequest({ method, path, body, key: this.options.key, keyId: this.accountId, now: this.now() }),
      );
    }
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, { method, headers, body });
    } catch (err) {
      throw new GatewayRequestError('CLIENT_UNREACHABLE', `cannot reach the gateway at ${this.base}`, 0, {
        cause: err,
      });
    }
    if (response.ok) return response;
    throw await refusal(response);
  }
}

async function refusal(response: Response): Promise<GatewayRequestError> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new GatewayRequestError(code, message, response.status);
    }
  } catch {
    // not JSON: fall through
  }
  return new GatewayRequestError(
    'CLIENT_BAD_REPLY',
    `the gateway answered ${response.status}`,
    response.status,
  );
}
