/**
 * The canary audit on the real parts (docs/audit.md, docs/egress-protocol.md
 * section 5): a dataset with 16 canaries planted 20 times each and 64 held
 * out, one honest run and one memorising run of the reference model, and an
 * audit of each in a sealed container that gets the canary set's data key and
 * the sealed model's key after one attestation. The memorising model's
 * exposure and AUC are high, the honest model's low.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  generateDataKey,
  wrapKey,
} from '../../attest/index.js';
import {
  brokerPublicKey,
  encryptFile,
  generateDataset,
  publishDataset,
  uploadBlob,
} from '../../client/index.js';
import type { AuditRecord, DatasetRecord, RunRecord } from '../../gateway/index.js';
import { DATASETS_SUBLEVEL, RUNS_SUBLEVEL, auditFor, startAudit } from '../../gateway/index.js';
import { parseEgressPolicy } from '../../policies/index.js';
import { HONEST, MEMORISING } from '../../bench/audit-figures.js';
import { plantCanaries } from '../../bench/canaries.js';
import { REFERENCE_MODEL, SealedWorld } from './world.js';

t.test('the audit tells a memorising model from an honest one', async (t) => {
  const world = await SealedWorld.create(t);
  const tag = `sg-test-audit-reference:${world.label}`;
  t.teardown(() =>
    world.docker
      .getImage(tag)
      .remove()
      .catch(() => undefined),
  );
  const model = await world.publishModel(REFERENCE_MODEL, tag);

  // The seller's side (the seller's CLI does this): plant, encrypt data and canary set under one key.
  const { data, canarySet } = plantCanaries(generateDataset({ rows: 2000, seed: 11 }), {
    planted: 16,
    heldOut: 64,
    repeat: 20,
    seed: 11,
  });
  const dek = generateDataKey();
  const sealed = async (name: string, text: string) => {
    const plain = join(world.dir, name);
    await writeFile(plain, text);
    await encryptFile(plain, `${plain}.sgenc`, dek);
    return uploadBlob(world.seller.client, `${plain}.sgenc`);
  };
  const blob = await sealed('data.csv', data);
  const canaries = await sealed('canaries.csv', canarySet);
  const broker = base64ToBytes(await brokerPublicKey(world.seller.client))!;
  const listing = await publishDataset(world.seller.client, {
    title: 'synthetic patients with canaries',
    description: 'people with measurements and a label',
    schema: [],
    price: '1000',
    policy: { release: { allowedModels: [model.digest], custody: 'broker' } },
    blob: { digest: blob.digest },
    key: {
      keyId: bytesToHex(dataKeyId(dek)),
      custody: 'broker',
      wrapped: bytesToBase64(wrapKey(dek, broker)),
    },
  });
  // Until the listing's canaries field is merged: the record gets `canaries` as the contract names it.
  const { store, nodes, now } = world.gateway.context;
  const datasets = store.sublevel(DATASETS_SUBLEVEL);
  const record = (await store.get<DatasetRecord>(datasets, listing.id))!;
  const withCanaries = {
    ...record,
    canaries: { digest: canaries.digest, size: canaries.size, planted: 16, heldOut: 64 },
  };
  await store.exclusive(() =>
    store.write([{ type: 'put', sublevel: datasets, key: listing.id, value: withCanaries }]),
  );

  const node = await world.node();
  const [honest, memorising] = await Promise.all([
    world.trade(listing.id, model.id, HONEST),
    world.trade(listing.id, model.id, MEMORISING),
  ]);
  t.equal(honest.run.state, 'settled', 'the honest run settles');
  t.equal(memorising.run.state, 'settled', 'the memorising run settles');

  const deps = { store, scheduler: nodes.scheduler, now };
  const audit = async (runId: string): Promise<AuditRecord> => {
    const run = (await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), runId))!;
    const dataset = (await store.get<DatasetRecord>(datasets, listing.id))!;
    const started = await startAudit(deps, run, dataset);
    t.equal(started.state, 'queued');
    for (let i = 0; i < 600; i++) {
      const found = await auditFor(store, started.id);
      if (found.state === 'done' || found.state === 'failed') return found;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`audit ${started.id} did not end`);
  };
  const [a, b] = await Promise.all([audit(honest.run.id), audit(memorising.run.id)]);
  t.equal(a.state, 'done', JSON.stringify(a.reason));
  t.equal(b.state, 'done', JSON.stringify(b.reason));
  const low = a.result!;
  const high = b.result!;
  t.equal(low.losses.planted.length, 16);
  t.equal(low.losses.heldOut.length, 64);
  t.comment(
    `honest: mean exposure ${low.exposure.mean.toFixed(2)} bits, AUC ${low.membership.auc.toFixed(3)}`,
  );
  t.comment(
    `memorising: mean exposure ${high.exposure.mean.toFixed(2)} bits, AUC ${high.membership.auc.toFixed(3)}`,
  );
  const { audit: limits } = parseEgressPolicy({});
  t.ok(low.exposure.mean <= limits.maxMeanExposureBits, 'the honest model: low exposure');
  t.ok(low.membership.auc <= limits.maxAuc, 'the honest model: membership inference near chance');
  t.ok(high.exposure.mean > limits.maxMeanExposureBits, 'the memorising model: high exposure');
  t.ok(high.membership.auc > limits.maxAuc, 'the memorising model: membership inference works');
  t.ok(high.exposure.mean > low.exposure.mean + 2, 'far apart');

  // One release per audit, of both keys, recorded as one attempt.
  const releases = (await store
    .sublevel('releases') // gateway/broker/records.ts RELEASES_SUBLEVEL
    .values()
    .all()) as {
    purpose: string;
    outcome: string;
    keyId?: string;
    modelKeyId?: string;
  }[];
  const audits = releases.filter((r) => r.purpose === 'audit');
  t.equal(audits.length, 2, 'one release per audit');
  for (const r of audits) {
    t.equal(r.outcome, 'released');
    t.equal(r.keyId, bytesToHex(dataKeyId(dek)), "the canary set's data key");
    t.type(r.modelKeyId, 'string', "the sealed model's key");
  }
  await world.assertClean(t, node);
});
