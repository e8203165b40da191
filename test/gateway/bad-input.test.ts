/**
 * Bad input, for every route the gateway serves (issue 3): the routes are
 * read from the gateway's own /openapi.json, so a new route is covered the
 * day it lands. For each one: malformed JSON, a body of the wrong type, wrong
 * field types, unknown fields, an oversized body, a missing signature, a
 * tampered body, a forged signature and a replay each get a 4xx with the
 * expected code, never a 5xx, and the database and blob store are byte for
 * byte what they were before (nonces aside: remembering a nonce is the point).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { SigningKeyPair } from '../../attest/index.js';
import { accountId, bytesToBase64, generateSigningKeyPair, signRequest } from '../../attest/index.js';
import { codeOf, gatewayForTest } from '../helpers/gateway.js';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly signed: boolean;
  readonly jsonBody?: Schema;
  readonly params: readonly { name: string; in: string; schema: Schema }[];
}
interface Schema {
  readonly type?: string;
  readonly pattern?: string;
  readonly properties?: Record<string, Schema>;
}

// Every operation in the OpenAPI document, with what the test needs of it.
function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const body = op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        signed: Array.isArray(op.security) && op.security.length > 0,
        ...(body?.content?.['application/json']?.schema
          ? { jsonBody: body.content['application/json'].schema }
          : {}),
        params: (op.parameters as Operation['params'] | undefined) ?? [],
      });
    }
  }
  return ops;
}

// A string matching the simple patterns our id schemas use: ^lit[class]{n}$ (class a-z2-7 or 0-9a-f).
function sample(pattern: string | undefined): string {
  const m = pattern ? /^\^([^[]*)\[([^\]]+)\]\{(\d+)\}\$$/.exec(pattern) : null;
  if (!m) return 'x';
  const alphabet = m[2].startsWith('a-z') ? 'abcdefghijklmnopqrstuvwxyz234567' : '0123456789abcdef';
  return m[1].replace(/\\/g, '') + alphabet.repeat(10).slice(0, Number(m[3]));
}

function urlOf(op: Operation): string {
  let url = op.path;
  for (const p of op.params.filter((x) => x.in === 'path'))
    url = url.replace(`{${p.name}}`, sample(p.schema.pattern));
  return url;
}

// A value of another JSON type than `schema` declares.
function wrongType(schema: Schema): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return 'not a number or boolean';
  }
}

// The whole state: every database entry but nonces, and every file under blobs/.
async function snapshot(app: FastifyInstance, dataDir: string): Promise<string> {
  const entries: string[] = [];
  for await (const [key, value] of app.gateway.store.db.iterator()) {
    if (!key.startsWith('!nonces!')) entries.push(`${key}=${JSON.stringify(value)}`);
  }
  const files = await readdir(join(dataDir, 'blobs'), { recursive: true }).catch(() => []);
  return JSON.stringify({ entries, files: files.sort() });
}

function send(
  app: FastifyInstance,
  op: Operation,
  body: string | undefined,
  headers: Record<string, string>,
) {
  return app.inject({
    method: op.method as 'POST',
    url: urlOf(op),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: body }),
  });
}

function sign(op: Operation, body: string | undefined, key: SigningKeyPair, nonce?: string) {
  const signed = signRequest({
    method: op.method,
    path: urlOf(op),
    body,
    key,
    keyId: accountId(key.publicKey),
    now: new Date(),
    ...(nonce ? { nonce } : {}),
  });
  return { ...signed };
}

t.test('every route refuses bad input with a 4xx and a code, and changes nothing', async (t) => {
  const gw = await gatewayForTest(t, { bodyLimit: 16 * 1024, listingBodyLimit: 32 * 1024 });
  const everyone = await gw.account('seller', 'buyer', 'publisher', 'miner');
  const doc = (await gw.app.inject({ url: '/openapi.json' })).json<Parameters<typeof operations>[0]>();
  const ops = operations(doc);
  t.ok(ops.length >= 5, `${ops.length} operations`);
  const before = await snapshot(gw.app, gw.dataDir);

  const expect4xx = (t: Tap, res: LightMyRequestResponse, code: string | RegExp, what: string) => {
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${what}: ${res.statusCode} is a 4xx`);
    if (typeof code === 'string') t.equal(codeOf(res), code, what);
    else t.match(codeOf(res), code, what);
  };
  type Tap = typeof t;

  for (const op of ops) {
    await t.test(`${op.method} ${op.path}`, async (t) => {
      // Who signs: an account with every self-assignable role, the operator for admin routes, and
      // for registration the key being registered (named in the body, so it must be in every body).
      const registration = op.method === 'POST' && op.path === '/v1/accounts';
      const fresh = generateSigningKeyPair();
      const base: Record<string, unknown> = registration ? { publicKey: bytesToBase64(fresh.publicKey) } : {};
      const probe = await send(
        gw.app,
        op,
        op.jsonBody ? '{}' : undefined,
        sign(op, op.jsonBody ? '{}' : undefined, everyone.key),
      );
      const key = registration ? fresh : codeOf(probe) === 'AUTH_FORBIDDEN' ? gw.operator.key : everyone.key;
      const json = (extra: Record<string, unknown>) => JSON.stringify({ ...base, ...extra });
      if (op.jsonBody) {
        for (const [label, body, code] of [
          ['malformed JSON', '{"a":', 'HTTP_BAD_JSON'],
          ['a body of the wrong type', '[1,2,3]', registration ? 'REQUEST_UNKNOWN_KEY' : 'HTTP_INVALID'],
          ['an unknown field', json({ surely_not_a_field: 1 }), 'HTTP_INVALID'],
        ] as const) {
          expect4xx(t, await send(gw.app, op, body, sign(op, body, key)), code, label);
        }
        expect4xx(t, await send(gw.app, op, '', {}), 'HTTP_BAD_JSON', 'an empty body');
        for (const [field, schema] of Object.entries(op.jsonBody.properties ?? {})) {
          const body = json({ [field]: wrongType(schema) });
          const code = registration && field === 'publicKey' ? 'REQUEST_UNKNOWN_KEY' : 'HTTP_INVALID';
          expect4xx(t, await send(gw.app, op, body, sign(op, body, key)), code, `${field} of a wrong type`);
        }
        const huge = json({ padding: 'x'.repeat(64 * 1024) });
        expect4xx(
          t,
          await send(gw.app, op, huge, sign(op, huge, key)),
          'HTTP_BODY_TOO_LARGE',
          'an oversized body',
        );
      }
      for (const p of op.params.filter(
        (x) => x.in === 'query' && x.schema.type && x.schema.type !== 'string',
      )) {
        const url = `${urlOf(op)}?${p.name}=not-a-number`;
        const res = await gw.app.inject({
          method: op.method as 'GET',
          url,
          headers: op.signed ? sign({ ...op, path: url, params: [] }, undefined, key) : {},
        });
        expect4xx(t, res, 'HTTP_INVALID', `query ${p.name} of a wrong type`);
      }
      if (op.signed) {
        const body = op.jsonBody ? json({}) : undefined;
        expect4xx(t, await send(gw.app, op, body, {}), 'AUTH_UNSIGNED', 'no signature');
        const headers = sign(op, body ?? undefined, key);
        if (body !== undefined) {
          expect4xx(
            t,
            await send(gw.app, op, '{ }', headers),
            'REQUEST_DIGEST_MISMATCH',
            'a body changed after signing',
          );
        }
        const forged = {
          ...headers,
          signature: headers.signature.replace(/:(.)/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`),
        };
        expect4xx(
          t,
          await send(gw.app, op, body, forged),
          /^REQUEST_(BAD_SIGNATURE|MALFORMED)$/,
          'a forged signature',
        );
        const stale = signRequest({
          method: op.method,
          path: urlOf(op),
          body,
          key,
          keyId: accountId(key.publicKey),
          now: new Date(Date.now() - 120_000),
        });
        expect4xx(t, await send(gw.app, op, body, { ...stale }), 'REQUEST_STALE', 'a stale signature');
        const once = sign(op, body, key);
        await send(gw.app, op, body, once);
        expect4xx(t, await send(gw.app, op, body, once), 'REQUEST_REPLAYED', 'a replay');
      }
    });
  }
  t.equal(await snapshot(gw.app, gw.dataDir), before, 'no bad request changed any state');
});
