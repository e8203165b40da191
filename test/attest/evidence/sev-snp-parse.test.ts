import forge from 'node-forge';
import t from 'tap';
import {
  SNP_LAYOUT_VERSION,
  SNP_MAX_VCEK_BYTES,
  SNP_REPORT_SIZE,
  bytesToBase64,
  decodeSevSnpSignature,
  encodeSevSnpSignature,
  parseEvidence,
  parseSnpCertificate,
  parseSnpReport,
  sevSnpVerifier,
} from '../../../attest/index.js';
import type { Evidence } from '../../../attest/index.js';
import { NOW, body } from './helpers.js';
import {
  MEASUREMENT_HEX,
  P384,
  RSA_PSS,
  certificate,
  report,
  vcekExtensions,
  world,
} from './sev-snp-helpers.js';

// Mutations of certificates made by ./sev-snp-helpers.ts (unsigned changes: the parser checks no signature).
const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const subtle = globalThis.crypto.subtle;
const w = await world();
const snpBody = body({ tier: 'sev-snp' });
const good = await report(snpBody, w.vcekKeys.privateKey);

function mutate(
  der: Uint8Array,
  change: (cert: forge.asn1.Asn1[], tbs: forge.asn1.Asn1[]) => void,
): Uint8Array {
  const root = asn1.fromDer(forge.util.binary.raw.encode(der), {
    decodeBitStrings: false,
  } as unknown as boolean);
  const parts = root.value as forge.asn1.Asn1[];
  change(parts, parts[0].value as forge.asn1.Asn1[]);
  return forge.util.binary.raw.decode(asn1.toDer(root).getBytes());
}

t.test('the layout: version, lengths, nothing after', (t) => {
  const sig = encodeSevSnpSignature(good, w.vcek);
  t.same(decodeSevSnpSignature(sig), { report: good, vcek: w.vcek });
  t.equal(sig[0], SNP_LAYOUT_VERSION);
  const bad: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['another version', Uint8Array.of(2, ...sig.subarray(1))],
    ['no report length', Uint8Array.of(1, 4)],
    ['a short report', encodeSevSnpSignature(good, w.vcek).map((b, i) => (i === 2 ? b - 1 : b))],
    ['no VCEK length', sig.subarray(0, 3 + SNP_REPORT_SIZE)],
    ['an empty VCEK', Uint8Array.of(...sig.subarray(0, 3 + SNP_REPORT_SIZE), 0, 0)],
    ['a truncated VCEK', sig.subarray(0, sig.length - 1)],
    ['bytes after the VCEK', Uint8Array.of(...sig, 0)],
  ];
  for (const [name, bytes] of bad)
    t.throws(() => decodeSevSnpSignature(bytes), { code: 'SNP_LAYOUT_MALFORMED' }, name);
  // The largest layout (an 8192-byte VCEK) fits the evidence schema's bound on `signature`.
  const largest = encodeSevSnpSignature(good, new Uint8Array(SNP_MAX_VCEK_BYTES).fill(0x30));
  t.same(parseEvidence({ body: snpBody, signature: bytesToBase64(largest) }).signature, largest);
  t.throws(() => encodeSevSnpSignature(good.subarray(1), w.vcek), TypeError);
  t.throws(() => encodeSevSnpSignature(good, new Uint8Array(0)), TypeError);
  t.end();
});

t.test('the report: size and signature scalars', (t) => {
  t.throws(() => parseSnpReport(good.subarray(0, 1183)), {
    name: 'SevSnpError',
    code: 'SNP_REPORT_MALFORMED',
  });
  const big = good.slice();
  big[0x2a0 + 60] = 1; // a byte of R above its 48 low bytes
  t.throws(() => parseSnpReport(big), { code: 'SNP_REPORT_MALFORMED' });
  const r = parseSnpReport(good);
  t.equal(r.version, 3);
  t.equal(r.signed.length, 0x2a0);
  t.equal(r.signature.length, 96);
  t.end();
});

t.test('certificates: canonical DER X.509 v3 only', (t) => {
  const cases: [string, Uint8Array][] = [
    ['trailing byte', Uint8Array.of(...w.vcek, 0)],
    ['not a sequence', Uint8Array.of(4, 0)],
    [
      'unused bits in the signature',
      mutate(w.vcek, (c) => (c[2].value = '\x01' + (c[2].value as string).slice(1))),
    ],
    ['a v1 certificate', mutate(w.vcek, (_, tbs) => tbs.shift())],
    [
      'a validity that is not a time',
      mutate(
        w.vcek,
        (_, tbs) =>
          ((tbs[4].value as forge.asn1.Asn1[])[0] = asn1.create(U, asn1.Type.INTEGER, false, '\x01')),
      ),
    ],
    [
      'a duplicate extension',
      mutate(w.vcek, (_, tbs) => {
        const list = (tbs[7].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
        list.push(list[0]);
      }),
    ],
    [
      'an extension without a value',
      mutate(w.vcek, (_, tbs) => {
        const list = (tbs[7].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
        (list[0].value as forge.asn1.Asn1[]).pop();
      }),
    ],
    [
      'inner and outer algorithms differ',
      mutate(
        w.vcek,
        (c) =>
          ((c[1].value as forge.asn1.Asn1[])[0] = asn1.create(
            U,
            asn1.Type.OID,
            false,
            asn1.oidToDer('1.2.840.113549.1.1.12').getBytes(),
          )),
      ),
    ],
  ];
  for (const [name, der] of cases)
    t.throws(() => parseSnpCertificate(der, 'VCEK'), { code: 'SNP_CERT_MALFORMED' }, name);
  // A GeneralizedTime (dates from 2050, RFC 5280 §4.1.2.5) reads as well.
  const later = mutate(w.vcek, (_, tbs) => {
    (tbs[4].value as forge.asn1.Asn1[])[1] = asn1.create(
      U,
      asn1.Type.GENERALIZEDTIME,
      false,
      '20510101000000Z',
    );
  });
  t.equal(parseSnpCertificate(later, 'VCEK').notAfter.toISOString(), '2051-01-01T00:00:00.000Z');
  t.end();
});

t.test('keys and algorithms the chain does not take', async (t) => {
  const verifier = sevSnpVerifier({
    allowedMeasurements: [MEASUREMENT_HEX],
    chains: [{ ark: w.ark, ask: w.ask }],
    pinnedArkSpkiSha256: [w.arkPin],
  });
  const evidence = (vcek: Uint8Array): Evidence =>
    parseEvidence({ body: snpBody, signature: bytesToBase64(encodeSevSnpSignature(good, vcek)) });
  const rsa = await subtle.generateKey(RSA_PSS, true, ['sign', 'verify']);
  const rsaVcek = await certificate({
    subject: 'SEV-VCEK',
    issuer: 'SEV-Milan',
    subjectKey: rsa.publicKey,
    issuerKey: w.askKeys.privateKey,
    extensions: vcekExtensions(),
  });
  t.same(await verifier.check(evidence(rsaVcek), { now: NOW }), {
    ok: false,
    code: 'SNP_CERT_MALFORMED',
    message: 'VCEK key is not an ECDSA P-384 key',
  });
  // A VCEK "signed" with another algorithm than RSASSA-PSS (sha384WithRSAEncryption, NULL parameters).
  const pkcs1 = mutate(w.vcek, (c, tbs) => {
    const alg = asn1.create(U, asn1.Type.SEQUENCE, true, [
      asn1.create(U, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.1.12').getBytes()),
      asn1.create(U, asn1.Type.NULL, false, ''),
    ]);
    c[1] = alg;
    tbs[2] = alg;
  });
  t.equal((await verifier.check(evidence(pkcs1), { now: NOW })).ok, false);
  t.same(
    await verifier.check(evidence(pkcs1), { now: NOW }).then((v) => (v.ok ? '' : v.code)),
    'SNP_CHAIN_INVALID',
  );
  // PSS with an unknown [4] field.
  const oddPss = mutate(w.vcek, (c, tbs) => {
    const params = (c[1].value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[];
    params.push(
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [asn1.create(U, asn1.Type.INTEGER, false, '\x01')]),
    );
    tbs[2] = c[1];
  });
  t.same(
    await verifier.check(evidence(oddPss), { now: NOW }).then((v) => (v.ok ? '' : v.code)),
    'SNP_CHAIN_INVALID',
  );
  // Not evidence at all (a programming mistake): verifySignature still answers false.
  const broken = {
    body: snpBody,
    signature: undefined,
    ephemeralPublicKey: new Uint8Array(32),
  } as unknown as Evidence;
  t.equal(await verifier.verifySignature(broken, { nodePublicKey: new Uint8Array(32), now: NOW }), false);
  await t.rejects(verifier.check(broken, { now: NOW }), TypeError);
  t.ok(P384);
});
