/**
 * Unit costs in the gateway (issue 6), one gateway on a frozen clock: a quote
 * says which unit cost it used (the publisher's, then an adjustment's), the
 * unit costs and adjustments are public, the operator may adjust now (others
 * 403), and a by-use model's quote carries its frozen rates. The market is
 * the runs tests' (test/gateway/runs/market.ts).
 */
import t from 'tap';
import { parseModelDescriptor } from '../../../policies/index.js';
import { as, marketForTest, modelRecord, putCatalog } from '../runs/market.js';

t.test('quotes, unit costs, adjustments', async (t) => {
  const m = await marketForTest(t);
  const { app } = m.gw;
  const quote = async (model: string) => {
    const res = await as(m, m.buyer, 'POST', '/v1/quotes', { dataset: m.dataset.id, model, steps: 10 });
    t.equal(res.statusCode, 201, res.body);
    return res.json<{
      price: { unitCost?: unknown; charges?: { rates: unknown }; fiat: { compute: string } };
    }>();
  };
  t.same((await quote(m.model.id)).price.unitCost, { perStep: '2', adjustment: null });

  const costs = await app.inject({ method: 'GET', url: '/v1/pricing/unit-costs' });
  t.equal(costs.statusCode, 200);
  t.same(costs.json(), {
    items: [{ model: m.model.id, unitCost: '2', publisherUnitCost: '2', adjustment: null }],
  });

  // a second model, twice as fast on the reference hardware at the same unit cost: it pays half as much
  const fast = modelRecord(m.publisher.id, new Date('2030-01-01T00:00:01Z'), {
    descriptor: {
      ...m.model.descriptor,
      name: 'fast',
      unitCost: '200',
      benchmark: { steps: 200, seconds: 1, hardware: '' },
    },
  });
  const slow = modelRecord(m.publisher.id, new Date('2030-01-01T00:00:02Z'), {
    descriptor: {
      ...m.model.descriptor,
      name: 'slow',
      unitCost: '200',
      benchmark: { steps: 100, seconds: 1, hardware: '' },
    },
  });
  await putCatalog(m.gw, { model: fast });
  await putCatalog(m.gw, { model: slow });
  const { store, pricing } = app.gateway;
  await store.exclusive(async () => {
    await store.write([
      await pricing.observeLocked('node_a', fast, { steps: 2000, seconds: 10 }),
      await pricing.observeLocked('node_a', slow, { steps: 1000, seconds: 10 }),
    ]);
  });

  const refused = await as(m, m.buyer, 'POST', '/v1/admin/pricing/adjust');
  t.equal(refused.statusCode, 403, 'only the operator');
  const adjusted = await as(m, m.gw.operator, 'POST', '/v1/admin/pricing/adjust');
  t.equal(adjusted.statusCode, 200, adjusted.body);
  const record = adjusted.json<{
    adjustment: { id: string; changes: { model: string; from: string; to: string }[] };
  }>().adjustment;
  t.equal(record.id, 'uca_0000000001');
  // node_a's factor is 1 (both measured at their reference); the first model is filled in at its
  // reference 100 steps/s; the average return is (2·100 + 200·200 + 200·100) / 3 = 20066.7 a second
  t.same(record.changes, [
    { model: m.model.id, from: '2', to: '201' },
    { model: fast.id, from: '200', to: '100' },
    { model: slow.id, from: '200', to: '201' },
  ]);
  const q = await quote(fast.id);
  t.same(
    q.price.unitCost,
    { perStep: '100', adjustment: 'uca_0000000001' },
    'the quote names the adjustment',
  );
  t.equal(q.price.fiat.compute, '1000');

  const list = await app.inject({ method: 'GET', url: '/v1/pricing/adjustments?limit=5' });
  t.same(
    list.json<{ items: { id: string }[] }>().items.map((x) => x.id),
    ['uca_0000000001'],
  );
  const again = await as(m, m.gw.operator, 'POST', '/v1/admin/pricing/adjust');
  t.same(again.json(), { adjustment: null }, 'nothing moved');

  // a model priced by use: the quote escrows the charge at its limits and freezes the rates
  const byUse = modelRecord(m.publisher.id, new Date('2030-01-01T00:00:03Z'), {
    descriptor: parseModelDescriptor({
      name: 'by-use',
      version: '1',
      entrypoints: { train: ['/t'] },
      metrics: ['loss'],
      unitCost: '1',
      baseFee: '10',
      maxSteps: 1000,
      resources: { maxSeconds: 60 },
      charges: { rates: { step: '1', cpuSecond: '2' } },
      benchmark: { steps: 100, seconds: 1 },
    }),
  });
  await putCatalog(m.gw, { model: byUse });
  const priced = await quote(byUse.id);
  t.same(priced.price.charges?.rates, { step: '1', cpuSecond: '2' });
  t.equal(priced.price.fiat.compute, '130', '10 steps + 1 CPU × 60 s × 2');
});

t.test('a by-use rate under the operator floor is a 422', async (t) => {
  const m = await marketForTest(t, 10n ** 12n, {
    economics: { bonds: { minimumBond: '0' }, pricing: { charges: { step: '1' }, floors: { step: '5' } } },
  });
  const res = await as(m, m.buyer, 'POST', '/v1/quotes', {
    dataset: m.dataset.id,
    model: m.model.id,
    steps: 10,
  });
  t.equal(res.statusCode, 422);
  t.equal(res.json<{ error: { code: string } }>().error.code, 'PRICING_BELOW_FLOOR');
});
