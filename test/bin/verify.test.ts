/**
 * `sealgate verify` and `sealgate report check` in child processes (slow:
 * keep them to this file). The seller asks a gateway listening on loopback
 * for a report of a settled run whose key was really released (the broker's
 * test world at the real time, since the CLI signs with the real clock), then
 * anyone checks the file; a changed byte, a wrong pinned key or a file that
 * is not a report each fail with their REPORT_* code.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToBase64, generateSigningKeyPair } from '../../attest/index.js';
import { defaultKeyPath, saveKeyFile } from '../../client/index.js';
import { RUNS_SUBLEVEL, put } from '../../gateway/index.js';
import { listenForTest } from '../helpers/gateway.js';
import { sealedInspect } from '../gateway/broker/inspect.js';
import { BrokerWorld, generateBoxKeyPair } from '../gateway/broker/world.js';
import { assertOneLine, sealgate } from './sealgate.js';

t.test('verify --wait --out, then report check: good, pinned, tampered', async (t) => {
  const inspect = await sealedInspect(t);
  if (inspect === undefined) return;
  const w = await BrokerWorld.create(t, inspect, Date.now());
  const node = await w.node();
  const run = await w.run(node);
  const nonce = await w.nonce(node, run);
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, nonce, generateBoxKeyPair()));
  t.equal(res.statusCode, 200, res.body);
  const record = await w.gw.app.gateway.runs.get(run.runId);
  await w.store.write([
    put(w.store.sublevel(RUNS_SUBLEVEL), run.runId, { ...record, state: 'settled' }),
  ]);
  const url = await listenForTest(w.gw.app);
  const dir = t.testdir({});
  const home = join(dir, 'seller');
  await saveKeyFile(defaultKeyPath(home, 'account'), 'account', w.seller.key);
  const file = join(dir, 'report.json');

  const verified = await sealgate(['verify', run.runId, '--wait', '--out', file, '--gateway', url], {
    SEALGATE_HOME: home,
  });
  t.equal(verified.code, 0, verified.stderr);
  t.match(verified.stdout, /verdict\s+pass/);

  const gatewayKey = bytesToBase64(w.gw.app.gateway.identity.gateway.keyPair.publicKey);
  const good = await sealgate(['report', 'check', file, '--gateway-key', gatewayKey, '--json']);
  t.equal(good.code, 0, good.stderr);
  t.match(JSON.parse(good.stdout), {
    runId: run.runId,
    keyId: w.gw.app.gateway.identity.gateway.keyId,
    verdict: { pass: true, reasons: [] },
  });

  const other = bytesToBase64(generateSigningKeyPair().publicKey);
  assertOneLine(t, await sealgate(['report', 'check', file, '--gateway-key', other]), 'REPORT_KEY_MISMATCH');

  const text = readFileSync(file, 'utf8');
  const bad = join(dir, 'bad.json');
  writeFileSync(
    bad,
    text.replace(
      run.dataset.id,
      run.dataset.id.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
    ),
  );
  assertOneLine(t, await sealgate(['report', 'check', bad]), 'REPORT_BAD_SIGNATURE');
  writeFileSync(bad, text.slice(0, -10));
  assertOneLine(t, await sealgate(['report', 'check', bad]), 'REPORT_MALFORMED');

  const stranger = join(dir, 'stranger');
  const strangerKey = await w.gw.account('seller');
  await saveKeyFile(defaultKeyPath(stranger, 'account'), 'account', strangerKey.key);
  const refused = await sealgate(['verify', run.runId, '--gateway', url], { SEALGATE_HOME: stranger });
  assertOneLine(t, refused, 'VERIFICATION_FORBIDDEN');
});
