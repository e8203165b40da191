/**
 * The node's identity in its data directory, and enrollment (docs/node-protocol.md §1):
 *
 *   DATA/node.key  the Ed25519 node key (attest key file, 0600)
 *   DATA/tls.key   the RSA TLS key the CSR binds to it (PEM, 0600)
 *   DATA/node.crt  the certificate the gateway's CA issued
 *   DATA/ca.crt    the node CA, pinned by the enrollment token
 *
 * With no certificate yet, the agent enrolls: it fetches the CA over a TLS
 * connection it does not yet verify, trusts it only if its DER SHA-256 equals the
 * token's pin (constant time), then sends its CSR over TLS to that CA.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningKeyPair } from '../../attest/index.js';
import {
  constantTimeEqual,
  createNodeCsr,
  decodeKeyFile,
  encodeKeyFile,
  generateSigningKeyPair,
  nodeId as nodeIdOf,
} from '../../attest/index.js';
import { gatewayError } from './api.js';
import { AgentError } from './errors.js';
import type { GatewayReply, NodeHttpClient, NodeTlsMaterial } from './http.js';

/** An enrolled node: its id, its Ed25519 key pair and its TLS material. */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly keyPair: SigningKeyPair;
  readonly tls: NodeTlsMaterial;
}

/** A parsed enrollment token: `sgn1.<id>.<secret>.<ca>`, `ca` the hex SHA-256 of the CA's DER. */
export interface EnrollToken {
  readonly text: string;
  readonly caSha256: Uint8Array;
}

/** Parse a token's shape (its secret stays opaque). Throws AGENT_TOKEN_MALFORMED. */
export function parseEnrollToken(text: string): EnrollToken {
  const parts = text.trim().split('.');
  if (
    parts.length !== 4 ||
    parts[0] !== 'sgn1' ||
    parts[1] === '' ||
    parts[2] === '' ||
    !/^[0-9a-f]{64}$/.test(parts[3])
  ) {
    throw new AgentError(
      'AGENT_TOKEN_MALFORMED',
      'the enrollment token is not sgn1.<id>.<secret>.<ca-sha256>',
    );
  }
  return { text: text.trim(), caSha256: Uint8Array.from(Buffer.from(parts[3], 'hex')) };
}

/** Check a CA certificate (PEM) against the token's pin: SHA-256 of its DER, compared in constant time. */
export function checkCaPin(caPem: string, token: EnrollToken): void {
  let der: Buffer;
  try {
    der = new X509Certificate(caPem).raw;
  } catch (err) {
    throw new AgentError('AGENT_CA_PIN_MISMATCH', 'the gateway served no parsable CA certificate', {
      cause: err,
    });
  }
  const digest = Uint8Array.from(createHash('sha256').update(der).digest());
  if (!constantTimeEqual(digest, token.caSha256)) {
    throw new AgentError(
      'AGENT_CA_PIN_MISMATCH',
      "the gateway's CA is not the one the enrollment token pins",
    );
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// Write a file atomically (temp file, fsync, rename) with the given mode.
async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** The node key in DATA/node.key, made on first use. */
export async function loadOrCreateNodeKey(dataDir: string): Promise<SigningKeyPair> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'node.key');
  const text = await readIfPresent(path);
  if (text !== undefined) return decodeKeyFile(text, 'node').keyPair;
  const keyPair = generateSigningKeyPair();
  await writeAtomic(path, encodeKeyFile('node', keyPair), 0o600);
  return keyPair;
}

/** How enrollment reaches the gateway: the unverified CA fetch, and a client trusting a given CA. */
export interface EnrollTransport {
  fetchCa(): Promise<GatewayReply>;
  client(caPem: string): NodeHttpClient;
}

/**
 * Load the node's identity from DATA, enrolling with `token` when there is no
 * certificate yet. Throws AGENT_STATE_INVALID when enrollment is needed and no
 * token was given, AGENT_CA_PIN_MISMATCH, or AGENT_ENROLL_REFUSED.
 */
export async function loadOrEnroll(
  dataDir: string,
  token: string | undefined,
  transport: EnrollTransport,
): Promise<NodeIdentity> {
  const keyPair = await loadOrCreateNodeKey(dataDir);
  const [certPem, caPem, keyPem] = await Promise.all(
    ['node.crt', 'ca.crt', 'tls.key'].map((f) => readIfPresent(join(dataDir, f))),
  );
  const id = nodeIdOf(keyPair.publicKey);
  if (certPem !== undefined && caPem !== undefined && keyPem !== undefined) {
    return { nodeId: id, keyPair, tls: { certPem, caPem, keyPem } };
  }
  if (certPem !== undefined)
    throw new AgentError('AGENT_STATE_INVALID', `${dataDir} has node.crt but not ca.crt and tls.key`);
  if (token === undefined)
    throw new AgentError('AGENT_STATE_INVALID', 'this node is not enrolled yet: pass --token');
  const parsed = parseEnrollToken(token);

  const served = await transport.fetchCa();
  const pem = (served.body as { certificate?: unknown } | undefined)?.certificate;
  if (served.status !== 200 || typeof pem !== 'string') {
    const { code, message } = gatewayError(served);
    throw new AgentError('AGENT_ENROLL_REFUSED', `GET /v1/node/ca: ${code}: ${message}`, {
      gatewayCode: code,
    });
  }
  checkCaPin(pem, parsed);

  const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: keyPair.secretKey });
  const client = transport.client(pem);
  let reply: GatewayReply;
  try {
    reply = await client.json('POST', '/v1/node/enroll', { token: parsed.text, csr: csrPem });
  } finally {
    client.close();
  }
  const body = reply.body as { nodeId?: unknown; certificate?: unknown; caCertificate?: unknown } | undefined;
  if (reply.status !== 201 || typeof body?.certificate !== 'string') {
    const { code, message } = gatewayError(reply);
    throw new AgentError('AGENT_ENROLL_REFUSED', `enrollment refused: ${code}: ${message}`, {
      gatewayCode: code,
    });
  }
  if (body.nodeId !== id)
    throw new AgentError('AGENT_ENROLL_REFUSED', `the gateway enrolled ${String(body.nodeId)}, not ${id}`);
  // The CA we keep is the pinned one we fetched, whatever the reply's caCertificate says.
  await writeAtomic(join(dataDir, 'tls.key'), tlsKeyPem, 0o600);
  await writeAtomic(join(dataDir, 'ca.crt'), pem, 0o644);
  await writeAtomic(join(dataDir, 'node.crt'), body.certificate, 0o644);
  return { nodeId: id, keyPair, tls: { certPem: body.certificate, caPem: pem, keyPem: tlsKeyPem } };
}
