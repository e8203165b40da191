/**
 * Test helpers for the gateway: a real app over LevelDB in a temp dir (closed
 * and removed when the test ends), signed `inject` requests, a `fetch` backed
 * by `app.inject` so the client SDK runs unchanged without a socket, a real
 * loopback listener, and accounts made through the real registration route.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { SigningKeyPair } from '../../attest/index.js';
import type { CaMaterial } from '../../attest/index.js';
import {
  accountId,
  bytesToBase64,
  createCa,
  generateSigningKeyPair,
  signRequest,
} from '../../attest/index.js';
import type { GatewayOptions, Role } from '../../gateway/index.js';
import { buildApp } from '../../gateway/index.js';
import { GatewayClient } from '../../client/index.js';

/** A gateway for one test. */
export interface TestGateway {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** The operator account (its key is the gateway's operator-key.json). */
  readonly operator: TestAccount;
  /** A client whose requests go through `app.inject` (no socket). */
  client(key?: SigningKeyPair): GatewayClient;
  /** Register a fresh key with `roles` and return it. */
  account(...roles: Role[]): Promise<TestAccount>;
}

/** An account made for a test. */
export interface TestAccount {
  readonly id: string;
  readonly key: SigningKeyPair;
  readonly client: GatewayClient;
}

/** Build a gateway over a temp data dir; it is closed and removed when `t` ends. */
let sharedCa: CaMaterial | undefined;

/**
 * A fresh data directory holding this process's node CA (2048 bits, made once), where the gateway
 * would otherwise make one on first use: a CA is seconds of CPU for node-forge on a busy machine,
 * and a test file builds many gateways. Making the CA is tested by test/attest/pki and by the
 * gateway processes of test/bin, which start on empty directories.
 */
async function seededDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-gw-'));
  // valid from 2000 for a century: tests run their gateways on clocks of their own choosing
  sharedCa ??= createCa({
    commonName: 'sealgate node CA',
    now: new Date('2000-01-01T00:00:00Z'),
    validityDays: 36_500,
    bits: 2048,
  });
  await mkdir(join(dir, 'ca'), { mode: 0o700 });
  await writeFile(join(dir, 'ca', 'ca-key.pem'), sharedCa.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'ca', 'ca-cert.pem'), sharedCa.certPem, { mode: 0o644 });
  return dir;
}

export async function gatewayForTest(t: Test, options: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await seededDataDir());
  // no bond is required unless a test asks (docs/bonds-and-placement.md); bond tests set their own
  const economics = options.economics ?? { bonds: { minimumBond: '0' } };
  const app = await buildApp({
    rateLimitPerMinute: false,
    maxEventLoopDelayMs: false,
    ...options,
    economics,
    dataDir,
  });
  t.teardown(async () => {
    await app.close();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const now = options.now;
  const client = (key?: SigningKeyPair): GatewayClient =>
    new GatewayClient({
      gateway: 'http://gateway.test',
      key,
      fetch: injectFetch(app),
      ...(now ? { now } : {}),
    });
  const op = app.gateway.identity.operator;
  const operator = { id: op.keyId, key: op.keyPair, client: client(op.keyPair) };
  return {
    app,
    dataDir,
    operator,
    client,
    async account(...roles: Role[]) {
      const key = generateSigningKeyPair();
      const c = client(key);
      await c.request('POST', '/v1/accounts', { body: { publicKey: bytesToBase64(key.publicKey), roles } });
      return { id: accountId(key.publicKey), key, client: c };
    },
  };
}

/** A `fetch` that answers through `app.inject`, for the SDK without a socket. */
export function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string> | undefined,
      ...(init?.body === undefined || init.body === null ? {} : { payload: init.body as string }),
    });
    return new Response(
      res.statusCode === 204 || res.statusCode === 304 ? null : new Uint8Array(res.rawPayload),
      {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      },
    );
  };
}

/** What {@link signedInject} sends. */
export interface SignedInjectInput {
  readonly method: string;
  readonly url: string;
  /** A JSON value (serialised here) or the exact body text. */
  readonly body?: unknown;
  readonly key: SigningKeyPair;
  readonly now?: Date;
  readonly nonce?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Send a signed request through `app.inject`; returns the raw response. */
export async function signedInject(
  app: FastifyInstance,
  input: SignedInjectInput,
): Promise<LightMyRequestResponse> {
  const body =
    input.body === undefined
      ? undefined
      : typeof input.body === 'string'
        ? input.body
        : JSON.stringify(input.body);
  const headers = signRequest({
    method: input.method,
    path: input.url,
    body,
    key: input.key,
    keyId: accountId(input.key.publicKey),
    now: input.now ?? new Date(),
    ...(input.nonce ? { nonce: input.nonce } : {}),
  });
  return app.inject({
    method: input.method as 'POST',
    url: input.url,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
      ...input.headers,
    },
    ...(body === undefined ? {} : { payload: body }),
  });
}

/** Listen on a free loopback port for `t`; returns the base URL. */
export async function listenForTest(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** The error code of a refused reply (undefined when it is not an error body). */
export function codeOf(res: LightMyRequestResponse): string | undefined {
  return res.json<{ error?: { code?: string } }>().error?.code;
}

/** A reply's JSON body, typed by the caller. */
export function bodyOf<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json();
}
