import t from 'tap';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  BodySha256,
  MemoryNonceStore,
  RequestError,
  accountId,
  contentDigest,
  signRequest,
  signingKeyPairFromSeed,
  verifyRequest,
} from '../../attest/index.js';
import type { NonceStore, ReceivedRequest, VerifyRequestOptions } from '../../attest/index.js';

// A fixed key (seed 0x01 * 32) and a frozen clock, so the headers below are stable.
const key = signingKeyPairFromSeed(new Uint8Array(32).fill(1));
const keyId = accountId(key.publicKey);
const now = new Date('2025-01-01T00:00:00Z');
const body = '{"dataset":"ds_1","steps":100}';

function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}): ReceivedRequest {
  const input = {
    method: 'POST',
    path: '/v1/runs?dry=1',
    body,
    key,
    keyId,
    now,
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    ...overrides,
  };
  return { method: input.method, path: input.path, body: input.body, headers: { ...signRequest(input) } };
}

function options(extra: Partial<VerifyRequestOptions> = {}): VerifyRequestOptions {
  return {
    resolveKey: (id) => Promise.resolve(id === keyId ? key.publicKey : undefined),
    nonces: new MemoryNonceStore({ now: () => now }),
    now,
    ...extra,
  };
}

t.test('the headers have the RFC 9421 / RFC 9530 shape', (t) => {
  const headers = signRequest({
    method: 'POST',
    path: '/v1/runs?dry=1',
    body,
    key,
    keyId,
    now,
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
  });
  t.equal(headers['content-digest'], contentDigest(body));
  t.match(headers['content-digest'], /^sha-256=:[A-Za-z0-9+/]{43}=:$/);
  t.equal(
    headers['signature-input'],
    `sealgate=("@method" "@path" "@query" "content-digest");created=1735689600;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="${keyId}";alg="ed25519"`,
  );
  t.match(headers.signature, /^sealgate=:[A-Za-z0-9+/]{86}==:$/);
  // RFC 9530 §2: the digest of an empty body is SHA-256 of nothing.
  t.equal(contentDigest(undefined), 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  t.equal(contentDigest(''), contentDigest(new Uint8Array(0)));
  t.throws(() => signRequest({ method: 'POST', path: 'runs', key, keyId, now }), TypeError);
  t.throws(() => signRequest({ method: 'PO ST', path: '/', key, keyId, now }), TypeError);
  t.throws(
    () => signRequest({ method: 'GET', path: '/', key: { ...key, secretKey: key.publicKey }, keyId, now }),
    TypeError,
  );
  t.end();
});

t.test('a signed request verifies, bodies and no bodies alike', async (t) => {
  t.same(await verifyRequest(signed(), options()), {
    keyId,
    created: 1735689600,
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
  });
  const get = signed({ method: 'GET', path: '/v1/runs', body: undefined, nonce: undefined });
  t.equal((await verifyRequest(get, options())).keyId, keyId);
  const bytes = signed({ body: new Uint8Array([0, 1, 2]) });
  t.equal((await verifyRequest(bytes, options())).keyId, keyId);
  const titleCase = signed();
  const h = titleCase.headers as Record<string, string>;
  const mixed = {
    'Signature-Input': h['signature-input'],
    Signature: [h.signature],
    'Content-Digest': h['content-digest'],
  };
  t.equal(
    (await verifyRequest({ ...titleCase, headers: mixed }, options())).keyId,
    keyId,
    'header names in any case',
  );
  t.equal(
    (await verifyRequest(signed({ now: new Date(now.getTime() - 60_000) }), options())).created,
    1735689540,
  );
});

t.test('each rule fails with its own code', async (t) => {
  const req = signed();
  await t.rejects(verifyRequest({ ...req, headers: { 'content-digest': contentDigest(body) } }, options()), {
    code: 'REQUEST_UNSIGNED',
  });
  await t.rejects(verifyRequest({ ...req, headers: { ...req.headers, signature: undefined } }, options()), {
    code: 'REQUEST_MALFORMED',
  });
  await t.rejects(
    verifyRequest({ ...req, headers: { ...req.headers, 'content-digest': undefined } }, options()),
    {
      code: 'REQUEST_MALFORMED',
    },
  );
  await t.rejects(verifyRequest({ ...req, body: body + ' ' }, options()), {
    code: 'REQUEST_DIGEST_MISMATCH',
    name: 'RequestError',
  });
  await t.rejects(verifyRequest(signed({ now: new Date(now.getTime() - 61_000) }), options()), {
    code: 'REQUEST_STALE',
  });
  await t.rejects(verifyRequest(signed({ now: new Date(now.getTime() + 61_000) }), options()), {
    code: 'REQUEST_FUTURE',
  });
  const wider = options({ skewSeconds: 120 });
  t.equal(
    (await verifyRequest(signed({ now: new Date(now.getTime() + 61_000) }), wider)).keyId,
    keyId,
    'skew is an option',
  );
  await t.rejects(verifyRequest(signed({ keyId: 'acct_unknown' }), options()), {
    code: 'REQUEST_UNKNOWN_KEY',
  });
  const other = signingKeyPairFromSeed(new Uint8Array(32).fill(2));
  await t.rejects(verifyRequest(signed({ key: other }), options()), { code: 'REQUEST_BAD_SIGNATURE' });
  const opts = options();
  await verifyRequest(signed(), opts);
  await t.rejects(verifyRequest(signed(), opts), { code: 'REQUEST_REPLAYED' });
  t.ok(new RequestError('REQUEST_REPLAYED', 'x') instanceof Error);
});

t.test('a tampered method, path, query or body fails', async (t) => {
  const req = signed();
  await t.rejects(verifyRequest({ ...req, method: 'PUT' }, options()), { code: 'REQUEST_BAD_SIGNATURE' });
  await t.rejects(verifyRequest({ ...req, path: '/v1/runz?dry=1' }, options()), {
    code: 'REQUEST_BAD_SIGNATURE',
  });
  await t.rejects(verifyRequest({ ...req, path: '/v1/runs?dry=0' }, options()), {
    code: 'REQUEST_BAD_SIGNATURE',
  });
  await t.rejects(verifyRequest({ ...req, path: '/v1/runs' }, options()), { code: 'REQUEST_BAD_SIGNATURE' });
  await t.rejects(verifyRequest({ ...req, body: body.replace('100', '999') }, options()), {
    code: 'REQUEST_DIGEST_MISMATCH',
  });
  // Body and Content-Digest replaced together: the signature covers the digest.
  const forged = { ...req, body: '{}', headers: { ...req.headers, 'content-digest': contentDigest('{}') } };
  await t.rejects(verifyRequest(forged, options()), { code: 'REQUEST_BAD_SIGNATURE' });
  await t.rejects(verifyRequest({ ...req, path: 'http://evil/v1/runs?dry=1' }, options()), {
    code: 'REQUEST_MALFORMED',
  });
});

t.test('the nonce is checked only after the signature, so forgeries cannot burn it', async (t) => {
  const seen: string[] = [];
  const nonces: NonceStore = {
    remember: (scope, nonce, expiresAt) => {
      seen.push(`${scope} ${nonce} ${expiresAt}`);
      return Promise.resolve(true);
    },
  };
  const other = signingKeyPairFromSeed(new Uint8Array(32).fill(2));
  await t.rejects(verifyRequest(signed({ key: other }), options({ nonces })), {
    code: 'REQUEST_BAD_SIGNATURE',
  });
  await t.rejects(verifyRequest({ ...signed(), body: 'x' }, options({ nonces })), {
    code: 'REQUEST_DIGEST_MISMATCH',
  });
  await t.rejects(verifyRequest(signed({ now: new Date(0) }), options({ nonces })), {
    code: 'REQUEST_STALE',
  });
  t.same(seen, [], 'no nonce recorded for a failed request');
  await verifyRequest(signed(), options({ nonces }));
  t.same(
    seen,
    [`${keyId} AAAAAAAAAAAAAAAAAAAAAA ${1735689600 + 60}`],
    'remembered until the request would be stale',
  );
});

t.test('strict parsing of the signature headers', async (t) => {
  const req = signed();
  const h = req.headers as Record<string, string>;
  const input = h['signature-input'];
  const variants: Record<string, string>[] = [
    { 'signature-input': input.replace('sealgate=', 'other=') },
    { 'signature-input': `${input}, other=("@method");created=1` },
    { 'signature-input': input.replace(' "@query"', '') },
    { 'signature-input': input.replace('"@method" "@path"', '"@path" "@method"') },
    { 'signature-input': input.replace('"@method"', '"@method";req') },
    { 'signature-input': input.replace('alg="ed25519"', 'alg="rsa-pss-sha512"') },
    { 'signature-input': `${input};expires=1735689700` },
    { 'signature-input': input.replace(';created=1735689600', ';created=-1') },
    { 'signature-input': input.replace(';created=1735689600', ';created="1735689600"') },
    { 'signature-input': input.replace('nonce="AAAAAAAAAAAAAAAAAAAAAA"', 'nonce="short"') },
    { 'signature-input': input.replace(`keyid="${keyId}"`, 'keyid="bad key"') },
    { 'signature-input': input.replace(/\(.*\)/, '"@method"') },
    { 'signature-input': input + ',' },
    { 'signature-input': 'x'.repeat(5000) },
    { signature: h.signature.replace('sealgate=', 'other=') },
    { signature: 'sealgate=:AAAA:' },
    { signature: 'sealgate=("x")' },
    { signature: `${h.signature};p=1` },
    { 'content-digest': 'sha-512=:AAAA:' },
    { 'content-digest': 'sha-256=:AAAA:' },
    { 'content-digest': 'sha-256=("x")' },
    { 'content-digest': 'sha-256=:broken' },
    { 'content-digest': `${contentDigest(body)}\nx: y` },
    { 'content-digest': 'x'.repeat(5000) },
  ];
  for (const patch of variants) {
    await t.rejects(
      verifyRequest({ ...req, headers: { ...req.headers, ...patch } }, options()),
      { code: 'REQUEST_MALFORMED' },
      JSON.stringify(patch).slice(0, 80),
    );
  }
  await t.rejects(verifyRequest(req, options({ skewSeconds: -1 })), TypeError);
});

t.test('a streamed body is checked through its SHA-256 (BodySha256)', async (t) => {
  const request = signed();
  const digest = sha256(new TextEncoder().encode(body));
  const ok = await verifyRequest({ ...request, body: new BodySha256(digest) }, options());
  t.equal(ok.keyId, keyId);
  const other = sha256(new TextEncoder().encode('something else'));
  await t.rejects(verifyRequest({ ...request, body: new BodySha256(other) }, options()), {
    code: 'REQUEST_DIGEST_MISMATCH',
  });
  t.throws(() => new BodySha256(new Uint8Array(31)), TypeError);
});
