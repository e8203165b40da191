/**
 * The market SDK (client/sdk/catalog.ts, runs.ts, ledger.ts, reply.ts,
 * image-archive.ts) in-process: replies of the wrong shape, token formatting
 * and image archives that do not name one image. The happy paths run end to
 * end in test/bin/market-*.test.ts.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GatewayClient,
  ImageArchiveError,
  expectPage,
  expectShape,
  formatTokens,
  getDataset,
  getRun,
  imageIdOfArchive,
  listDatasets,
  listModels,
  myBalance,
  queryString,
  tarball,
} from '../../../client/index.js';
import { gatewayForTest } from '../../helpers/gateway.js';

/** A client whose every reply is `body` with status 200. */
function replying(body: unknown): GatewayClient {
  return new GatewayClient({
    gateway: 'http://gateway.test',
    fetch: () => Promise.resolve(new Response(JSON.stringify(body), { status: 200 })),
  });
}

t.test('replies of the wrong shape are CLIENT_BAD_REPLY', async (t) => {
  await t.rejects(listDatasets(replying({ items: [{ id: 1 }], next: null })), { code: 'CLIENT_BAD_REPLY' });
  await t.rejects(listModels(replying({ items: 'x', next: null })), { code: 'CLIENT_BAD_REPLY' });
  await t.rejects(getDataset(replying([]), 'ds_x'), { code: 'CLIENT_BAD_REPLY' });
  t.throws(() => expectShape<unknown>(null, 'a thing', {}), { code: 'CLIENT_BAD_REPLY', message: /a thing/ });
  t.throws(() => expectShape<unknown>({ a: 1 }, 'a thing', { a: 'string?' }), { code: 'CLIENT_BAD_REPLY' });
  t.same(
    expectShape({ a: undefined, b: null, c: {} }, 'x', { a: 'number?', b: 'string|null', c: 'object?' }),
    {
      a: undefined,
      b: null,
      c: {},
    },
  );
  t.same(
    expectPage({ items: [1], next: null }, 'numbers', (v) => v),
    { items: [1], next: null },
  );
});

t.test('signed reads through a gateway: a balance, and a run nobody may see', async (t) => {
  const gw = await gatewayForTest(t);
  const buyer = await gw.account('buyer');
  t.match(await myBalance(buyer.client), { account: buyer.id, balance: '0', token: { symbol: String } });
  await t.rejects(getRun(buyer.client, `run_${'a'.repeat(26)}`), { code: 'RUN_NOT_FOUND', status: 404 });
  await t.rejects(getDataset(gw.client(), `ds_${'a'.repeat(26)}`), { code: 'DATASET_NOT_FOUND' });
});

t.test('formatTokens and queryString', (t) => {
  t.equal(formatTokens('1500000', 6), '1.5');
  t.equal(formatTokens('0', 8), '0');
  t.equal(formatTokens(-25n, 2), '-0.25');
  t.equal(formatTokens('7', 0), '7');
  t.equal(formatTokens('100000000', 8), '1');
  t.equal(queryString({}), '');
  t.equal(
    queryString({ q: 'a b', limit: 5, skip: undefined, deprecated: true }),
    '?q=a+b&limit=5&deprecated=true',
  );
  t.end();
});

t.test('image archives: the id of the one image, or a coded refusal', async (t) => {
  const dir = t.testdir();
  const write = async (name: string, files: Parameters<typeof tarball>[0]) => {
    await writeFile(join(dir, name), tarball(files));
    return join(dir, name);
  };
  // The config's SHA-256 (sha256 of the bytes '{}') is the image id.
  const ok = await write('ok.tar', [
    { path: 'cfg.json', content: '{}' },
    { path: 'manifest.json', content: JSON.stringify([{ Config: './cfg.json' }]) },
  ]);
  t.equal(
    await imageIdOfArchive(ok),
    'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  );
  const none = await write('none.tar', [{ path: 'cfg.json', content: '{}' }]);
  const thrown: unknown = await imageIdOfArchive(none).catch((err: unknown) => err);
  t.ok(thrown instanceof ImageArchiveError, 'an ImageArchiveError');
  await t.rejects(imageIdOfArchive(none), { code: 'ARCHIVE_NO_MANIFEST' });
  const two = await write('two.tar', [{ path: 'manifest.json', content: '[{}, {}]' }]);
  await t.rejects(imageIdOfArchive(two), { code: 'ARCHIVE_NO_MANIFEST' });
  const notJson = await write('bad.tar', [{ path: 'manifest.json', content: '[' }]);
  await t.rejects(imageIdOfArchive(notJson), { code: 'ARCHIVE_MALFORMED' });
  const missing = await write('missing.tar', [
    { path: 'manifest.json', content: '[{"Config":"gone.json"}]' },
  ]);
  await t.rejects(imageIdOfArchive(missing), { code: 'ARCHIVE_MALFORMED' });
  const truncated = join(dir, 'cut.tar');
  await writeFile(
    truncated,
    tarball([{ path: 'manifest.json', content: 'x'.repeat(2000) }]).subarray(0, 1024),
  );
  await t.rejects(imageIdOfArchive(truncated), { code: 'ARCHIVE_MALFORMED' });
});
