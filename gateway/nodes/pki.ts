/**
 * The node PKI at the gateway (DESIGN.md 4, 6.3): the node CA is made on first
 * use and kept in `DATA/ca/` (key 0600), the gateway's TLS server certificate
 * for the nodes' listener is issued from it, and revocations are kept in
 * `DATA/ca/revocations.json`, written atomically on every change. OpenSSL
 * checks chain and dates in the handshake; the listener checks node identity
 * and revocation itself on every request (attest verifyNodeCertificate),
 * because OpenSSL knows nothing of our revocation list.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaMaterial, IssuedServerCertificate, RevocationReason } from '../../attest/index.js';
import { RevocationList, createCa, issueServerCertificate } from '../../attest/index.js';

/** The gateway's node CA, its listener certificate and the revocation list. */
export interface NodePki {
  readonly ca: CaMaterial;
  readonly server: IssuedServerCertificate;
  readonly revocations: RevocationList;
  /** Revoke a node certificate's serial and persist the list; false when it already was. */
  revoke(serial: string, reason: RevocationReason, now: Date): Promise<boolean>;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// Write `text` to `path` atomically: a temp file, fsync, rename.
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

/** Options of {@link loadNodePki}. */
export interface NodePkiOptions {
  readonly now: Date;
  /** Names the nodes dial the gateway by (DNS names and IP addresses for the certificate). */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** RSA size of a new CA key (default 3072; tests may use 2048). */
  readonly caBits?: number;
}

/** Load the node PKI from `dataDir/ca`, creating the CA on first use. */
export async function loadNodePki(dataDir: string, options: NodePkiOptions): Promise<NodePki> {
  const dir = join(dataDir, 'ca');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'ca-cert.pem');
  const keyPath = join(dir, 'ca-key.pem');
  let certPem = await readIfPresent(certPath);
  let keyPem = await readIfPresent(keyPath);
  if (certPem === undefined || keyPem === undefined) {
    const made = createCa({
      commonName: 'sealgate node CA',
      now: options.now,
      validityDays: 3650,
      ...(options.caBits ? { bits: options.caBits } : {}),
    });
    await writeAtomic(keyPath, made.keyPem, 0o600);
    await writeAtomic(certPath, made.certPem, 0o644);
    ({ certPem, keyPem } = made);
  }
  const ca = { certPem, keyPem };
  // The listener certificate is short-lived and re-issued at every start, for the names given now.
  const server = issueServerCertificate({
    ca,
    now: options.now,
    validityDays: 30,
    commonName: 'sealgate gateway',
    dnsNames: options.dnsNames ?? ['localhost'],
    ipAddresses: options.ipAddresses ?? ['127.0.0.1'],
  });
  const revocationsPath = join(dir, 'revocations.json');
  const stored = await readIfPresent(revocationsPath);
  const revocations = stored === undefined ? new RevocationList() : RevocationList.fromJSON(JSON.parse(stored));
  return {
    ca,
    server,
    revocations,
    async revoke(serial, reason, now) {
      if (!revocations.revoke(serial, { reason, time: now })) return false;
      await writeAtomic(revocationsPath, `${JSON.stringify(revocations.toJSON())}\n`, 0o644);
      return true;
    },
  };
}
