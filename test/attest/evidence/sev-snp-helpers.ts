/**
 * A made-up SEV-SNP world for tests, generated here with WebCrypto: an ARK and
 * ASK (RSA 2048, RSASSA-PSS SHA-384 salt 48, like AMD's but smaller for
 * speed), a VCEK (P-384) with AMD's TCB and hwID extensions, and reports
 * built per AMD publication 56860 and signed with the VCEK. Nothing here is
 * recorded data; the real AMD roots are in attest/evidence/amd-roots.ts.
 */
import forge from 'node-forge';
import { encodeSevSnpSignature, reportData, spkiSha256 } from '../../../attest/index.js';
import type { EvidenceBody, SnpTcb } from '../../../attest/index.js';

const { asn1 } = forge;
const T = asn1.Type;
const U = asn1.Class.UNIVERSAL;
const C = asn1.Class.CONTEXT_SPECIFIC;
const subtle = globalThis.crypto.subtle;

const bin = (b: Uint8Array) => forge.util.binary.raw.encode(b);
const bytes = (s: string) => new Uint8Array(forge.util.binary.raw.decode(s));
const der = (node: forge.asn1.Asn1) => bytes(asn1.toDer(node).getBytes());
const seq = (...v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const ctx = (tag: number, v: forge.asn1.Asn1) => asn1.create(C, tag, true, [v]);
const octets = (b: Uint8Array) => asn1.create(U, T.OCTETSTRING, false, bin(b));
const bits = (b: Uint8Array) => asn1.create(U, T.BITSTRING, false, '\x00' + bin(b));
const name = (cn: string) =>
  seq(asn1.create(U, T.SET, true, [seq(oid('2.5.4.3'), asn1.create(U, T.UTF8, false, cn))]));
const time = (d: Date) => asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d));
const sha384 = () => seq(oid('2.16.840.1.101.3.4.2.2'), asn1.create(U, T.NULL, false, ''));
const pssSha384 = (salt = 48) =>
  seq(
    oid('1.2.840.113549.1.1.10'),
    seq(ctx(0, sha384()), ctx(1, seq(oid('1.2.840.113549.1.1.8'), sha384())), ctx(2, int(salt))),
  );

export const RSA_PSS = {
  name: 'RSA-PSS',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-384',
};
export const P384 = { name: 'ECDSA', namedCurve: 'P-384' };

export interface CertSpec {
  subject: string;
  issuer: string;
  subjectKey: CryptoKey;
  issuerKey: CryptoKey;
  extensions?: [string, Uint8Array][];
  notBefore?: Date;
  notAfter?: Date;
  salt?: number;
}

/** A DER X.509 v3 certificate signed with RSASSA-PSS (SHA-384, `salt`, default 48). */
export async function certificate(spec: CertSpec): Promise<Uint8Array> {
  const spki = new Uint8Array(await subtle.exportKey('spki', spec.subjectKey));
  const exts = (spec.extensions ?? []).map(([o, v]) => seq(oid(o), octets(v)));
  const fields = [
    ctx(0, int(2)),
    int(1),
    pssSha384(spec.salt),
    name(spec.issuer),
    seq(
      time(spec.notBefore ?? new Date('2020-01-01T00:00:00Z')),
      time(spec.notAfter ?? new Date('2045-01-01T00:00:00Z')),
    ),
    name(spec.subject),
    asn1.fromDer(bin(spki)),
  ];
  if (exts.length > 0) fields.push(ctx(3, seq(...exts)));
  const tbs = der(seq(...fields));
  const algorithm = { name: 'RSA-PSS', saltLength: spec.salt ?? 48 };
  const signature = new Uint8Array(await subtle.sign(algorithm, spec.issuerKey, tbs));
  return der(seq(asn1.fromDer(bin(tbs)), pssSha384(spec.salt), bits(signature)));
}

/** The DER INTEGER of a TCB byte, as AMD's VCEK extensions carry it. */
export const derInteger = (n: number) => der(int(n));

export const CHIP_ID = new Uint8Array(64).map((_, i) => i + 1);
export const TCB: SnpTcb = { bootLoader: 4, tee: 0, snp: 27, microcode: 222 };
export const tcbBytes = (t: SnpTcb) => new Uint8Array([t.bootLoader, t.tee, 0, 0, 0, 0, t.snp, t.microcode]);
export const MEASUREMENT = new Uint8Array(48).fill(0xab);
export const MEASUREMENT_HEX = 'ab'.repeat(48);

/** The VCEK extensions AMD's KDS puts in (publication 57230) for `tcb` and `chip`. */
export function vcekExtensions(tcb: SnpTcb = TCB, chip: Uint8Array = CHIP_ID): [string, Uint8Array][] {
  const arc = '1.3.6.1.4.1.3704.1.3.';
  return [
    [arc + '1', derInteger(tcb.bootLoader)],
    [arc + '2', derInteger(tcb.tee)],
    [arc + '3', derInteger(tcb.snp)],
    [arc + '8', derInteger(tcb.microcode)],
    ['1.3.6.1.4.1.3704.1.4', chip],
  ];
}

export interface World {
  ark: Uint8Array;
  ask: Uint8Array;
  vcek: Uint8Array;
  arkPin: string;
  arkKeys: CryptoKeyPair;
  askKeys: CryptoKeyPair;
  vcekKeys: CryptoKeyPair;
}

/** A fresh ARK → ASK → VCEK chain; the ARK named like AMD's. */
export async function world(): Promise<World> {
  const arkKeys = await subtle.generateKey(RSA_PSS, true, ['sign', 'verify']);
  const askKeys = await subtle.generateKey(RSA_PSS, true, ['sign', 'verify']);
  const vcekKeys = await subtle.generateKey(P384, true, ['sign', 'verify']);
  const ark = await certificate({
    subject: 'ARK-Milan',
    issuer: 'ARK-Milan',
    subjectKey: arkKeys.publicKey,
    issuerKey: arkKeys.privateKey,
  });
  const ask = await certificate({
    subject: 'SEV-Milan',
    issuer: 'ARK-Milan',
    subjectKey: askKeys.publicKey,
    issuerKey: arkKeys.privateKey,
  });
  const vcek = await certificate({
    subject: 'SEV-VCEK',
    issuer: 'SEV-Milan',
    subjectKey: vcekKeys.publicKey,
    issuerKey: askKeys.privateKey,
    extensions: vcekExtensions(),
  });
  const spki = new Uint8Array(await subtle.exportKey('spki', arkKeys.publicKey));
  return { ark, ask, vcek, arkPin: spkiSha256(spki), arkKeys, askKeys, vcekKeys };
}

export interface ReportSpec {
  version?: number;
  policy?: bigint;
  vmpl?: number;
  signatureAlgorithm?: number;
  flags?: number;
  reportData?: Uint8Array;
  measurement?: Uint8Array;
  tcb?: Uint8Array;
  chipId?: Uint8Array;
}

/** An ATTESTATION_REPORT (56860) for `body`, signed by `vcekKey`; `patch` changes fields before signing. */
export async function report(
  body: EvidenceBody,
  vcekKey: CryptoKey,
  patch: ReportSpec = {},
): Promise<Uint8Array> {
  const r = new Uint8Array(1184);
  const v = new DataView(r.buffer);
  v.setUint32(0x00, patch.version ?? 3, true);
  v.setBigUint64(0x08, patch.policy ?? 0x30000n, true);
  v.setUint32(0x30, patch.vmpl ?? 0, true);
  v.setUint32(0x34, patch.signatureAlgorithm ?? 1, true);
  v.setUint32(0x48, patch.flags ?? 0, true);
  r.set(patch.reportData ?? reportData(body), 0x50);
  r.set(patch.measurement ?? MEASUREMENT, 0x90);
  r.set(patch.tcb ?? tcbBytes(TCB), 0x180);
  r.set(patch.chipId ?? CHIP_ID, 0x1a0);
  const rs = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, vcekKey, r.subarray(0, 0x2a0)),
  );
  r.set(rs.slice(0, 48).reverse(), 0x2a0);
  r.set(rs.slice(48).reverse(), 0x2a0 + 72);
  return r;
}

/** `evidence.signature` bytes for a report and a VCEK. */
export const snpSignature = (r: Uint8Array, vcek: Uint8Array) => encodeSevSnpSignature(r, vcek);
