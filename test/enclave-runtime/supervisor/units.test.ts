/**
 * The supervisor's pure-ish parts, in process: line splitting with a cap, the
 * metric/answer filter, the `run` message parser, the bundle format, the wipe
 * on a temporary directory, and the CPU figure's /proc parsing. Vectors are
 * written here by hand.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { bytesToBase64 } from '../../../attest/index.js';
import {
  BUNDLE_MAGIC,
  LineSplitter,
  childSeconds,
  cpuSeconds,
  filterLine,
  packTree,
  parseRunMessage,
  unpackBundle,
  wipeTree,
  type FilterRules,
} from '../../../enclave-runtime/index.js';

const enc = (s: string) => new TextEncoder().encode(s);

t.test(
  'LineSplitter: split lines, multi-byte characters across reads, overlong lines, the last line',
  (t) => {
    const lines = new LineSplitter(8);
    const euro = enc('€'); // 3 bytes
    t.same(lines.push(Uint8Array.from([...enc('ab'), euro[0]])), []);
    t.same(lines.push(Uint8Array.from([...euro.subarray(1), ...enc('\ncd\n\n')])), [
      { text: 'ab€' },
      { text: 'cd' },
      { text: '' },
    ]);
    t.same(lines.push(enc('0123456')), []);
    t.same(lines.push(enc('78\nok')), [{ overlong: true }]);
    t.same(lines.end(), [{ text: 'ok' }]);
    t.same(lines.end(), []);
    t.same(lines.push(enc('x'.repeat(20))), []);
    t.same(lines.end(), [{ overlong: true }]);
    t.throws(() => new LineSplitter(0), TypeError);
    t.end();
  },
);

t.test('filterLine: only well-formed records with declared names pass, rebuilt', (t) => {
  const train: FilterRules = { mode: 'train', metrics: ['loss'], maxStep: 10, maxIndex: -1 };
  const predict: FilterRules = { mode: 'predict', metrics: ['loss'], maxStep: 10, maxIndex: 1 };
  const loss: FilterRules = {
    mode: 'loss',
    metrics: ['loss'],
    maxStep: 10,
    maxIndex: Number.MAX_SAFE_INTEGER,
  };
  t.same(filterLine('{"metric":"loss","step":0,"value":-0.5}', train), {
    t: 'metric',
    metric: 'loss',
    step: 0,
    value: -0.5,
  });
  t.same(filterLine(' {"value":2,"step":10,"metric":"loss"} ', train), {
    t: 'metric',
    metric: 'loss',
    step: 10,
    value: 2,
  });
  for (const bad of [
    '',
    'null',
    '[1]',
    '"loss"',
    '{"metric":"loss","step":1,"value":NaN}',
    '{"metric":"loss","step":1,"value":1e999}',
    '{"metric":"loss","step":1,"value":"1"}',
    '{"metric":"loss","step":11,"value":1}',
    '{"metric":"loss","step":-1,"value":1}',
    '{"metric":"loss","step":1.5,"value":1}',
    '{"metric":"acc","step":1,"value":1}',
    '{"metric":"loss","step":1,"value":1,"x":1}',
    '{"metric":"loss","step":1}',
    '{"index":0,"value":1}',
  ]) {
    t.equal(filterLine(bad, train), undefined, bad);
  }
  t.same(filterLine('{"index":1,"value":3}', predict), { t: 'answer', index: 1, value: 3 });
  t.equal(filterLine('{"index":2,"value":3}', predict), undefined, 'index past the queries');
  t.equal(filterLine('{"metric":"loss","step":1,"value":1}', predict), undefined, 'no metrics in predict');
  t.ok(filterLine('{"metric":"loss","step":1,"value":1}', loss));
  t.ok(filterLine('{"index":99,"value":0.1}', loss));
  t.end();
});

t.test('parseRunMessage: a typed run, or SUPERVISOR_PROTOCOL naming the field', (t) => {
  const key = bytesToBase64(new Uint8Array(32).fill(9));
  const good = {
    t: 'run',
    mode: 'train',
    wrappedKey: key,
    command: ['node', 'train.js'],
    metrics: ['loss'],
    params: { steps: 5 },
    brokerPublicKey: key,
  };
  const run = parseRunMessage(JSON.stringify(good));
  t.same(run.params, { steps: 5, hyperparameters: {} });
  t.equal(run.brokerPublicKey.length, 32);
  t.equal(parseRunMessage(JSON.stringify({ ...good, mode: 'predict', inputs: '{}' })).inputs, '{}');
  const bad: [string, unknown][] = [
    ['not JSON', '{'],
    ["t: 'run'", { ...good, t: 'go' }],
    ['mode', { ...good, mode: 'eval' }],
    ['command', { ...good, command: ['node', ''] }],
    ['command', { ...good, command: 'node train.js' }],
    ['metrics', { ...good, metrics: ['Loss!'] }],
    ['params', { ...good, params: [] }],
    ['params.steps', { ...good, params: { steps: 0 } }],
    ['params.hyperparameters', { ...good, params: { steps: 1, hyperparameters: [] } }],
    ['inputs', { ...good, inputs: 3 }],
    ['predict needs inputs', { ...good, mode: 'predict' }],
    ['wrappedKey', { ...good, wrappedKey: '***' }],
    ['brokerPublicKey is not 32 bytes', { ...good, brokerPublicKey: bytesToBase64(new Uint8Array(31)) }],
  ];
  for (const [field, doc] of bad) {
    t.throws(
      () => parseRunMessage(typeof doc === 'string' ? doc : JSON.stringify(doc)),
      {
        name: 'SupervisorError',
        code: 'SUPERVISOR_PROTOCOL',
        message: new RegExp(field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      },
      field,
    );
  }
  t.end();
});

async function temp(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-unit-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function bytesOf(gen: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of gen) parts.push(p);
  return Buffer.concat(parts);
}

// A bundle from hand-made entries, to feed the unpacker what no packer writes.
function bundle(
  entries: { path: string; mode?: number; data?: string; size?: number }[],
  trailer = true,
): Buffer {
  const parts: Buffer[] = [Buffer.from(BUNDLE_MAGIC)];
  for (const e of entries) {
    const path = Buffer.from(e.path);
    const head = Buffer.alloc(12 + path.length);
    head.writeUInt16BE(path.length, 0);
    path.copy(head, 2);
    head.writeUInt16BE(e.mode ?? 0o644, 2 + path.length);
    head.writeBigUInt64BE(BigInt(e.size ?? Buffer.byteLength(e.data ?? '')), 4 + path.length);
    parts.push(head, Buffer.from(e.data ?? ''));
  }
  if (trailer) parts.push(Buffer.alloc(2));
  return Buffer.concat(parts);
}

t.test('bundles: pack regular files (links skipped), unpack them, refuse what is unsafe', async (t) => {
  const dir = await temp(t);
  const src = join(dir, 'src');
  await mkdir(join(src, 'a/b'), { recursive: true });
  await writeFile(join(src, 'model.json'), '{"w":1}');
  await writeFile(join(src, 'a/b/run.sh'), '#!/bin/sh', { mode: 0o755 });
  await writeFile(join(src, 'a/big'), Buffer.alloc(300_000, 1));
  await symlink('/etc/passwd', join(src, 'a/link'));
  const limits = { maxBytes: 1e6, maxFiles: 10 };
  const packed = await packTree(src, limits);
  t.same(
    packed.entries.map((e) => [e.path, e.mode]),
    [
      ['a/b/run.sh', 0o755],
      ['a/big', 0o644],
      ['model.json', 0o644],
    ],
  );
  const bytes = await bytesOf(packed.bytes());
  t.equal(bytes.length, packed.size);
  const out = join(dir, 'out');
  await mkdir(out);
  await unpackBundle(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), out, limits);
  t.equal(await readFile(join(out, 'model.json'), 'utf8'), '{"w":1}');
  t.equal((await readFile(join(out, 'a/big'))).length, 300_000);

  await t.rejects(packTree(src, { maxBytes: 1000, maxFiles: 10 }), { code: 'SUPERVISOR_OUTPUT' });
  await t.rejects(packTree(src, { maxBytes: 1e6, maxFiles: 2 }), { code: 'SUPERVISOR_OUTPUT' });

  const cases: [string, Buffer, { maxBytes: number; maxFiles: number }?][] = [
    ['bad magic', Buffer.from('SGBUNDL\x02\0\0')],
    ['ends early', bundle([{ path: 'x', data: 'abc', size: 10 }], false)],
    ['no end marker', bundle([{ path: 'x', data: 'abc' }], false)],
    ['trailing bytes', Buffer.concat([bundle([]), Buffer.from('x')])],
    ['absolute path', bundle([{ path: '/etc/x', data: 'a' }])],
    ['dot-dot', bundle([{ path: 'a/../../x', data: 'a' }])],
    ['empty segment', bundle([{ path: 'a//x', data: 'a' }])],
    ['setuid mode', bundle([{ path: 'x', mode: 0o4755, data: 'a' }])],
    [
      'duplicate',
      bundle([
        { path: 'x', data: 'a' },
        { path: 'x', data: 'b' },
      ]),
    ],
    [
      'file as a directory',
      bundle([
        { path: 'x', data: 'a' },
        { path: 'x/y', data: 'b' },
      ]),
    ],
    ['too large', bundle([{ path: 'x', data: 'abcdef' }]), { maxBytes: 5, maxFiles: 5 }],
    [
      'too many files',
      bundle([
        { path: 'x', data: 'a' },
        { path: 'y', data: 'b' },
      ]),
      { maxBytes: 5, maxFiles: 1 },
    ],
  ];
  const badUtf8 = bundle([{ path: 'xx', data: 'a' }]);
  badUtf8[10] = 0xff;
  cases.push(['not UTF-8', badUtf8]);
  for (const [name, b, lim] of cases) {
    const target = await mkdtemp(join(dir, 'bad-'));
    await t.rejects(
      unpackBundle(Readable.from([b]), target, lim ?? limits),
      { name: 'SupervisorError', code: 'SUPERVISOR_BUNDLE' },
      name,
    );
  }
});

t.test(
  'wipeTree: empties the directory, zeroing files, removing links (not their targets) and locked directories',
  async (t) => {
    const dir = await temp(t);
    const root = join(dir, 'input');
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'keep me');
    await mkdir(join(root, 'deep/locked'), { recursive: true });
    await writeFile(join(root, 'data'), 'secret rows');
    await writeFile(join(root, 'deep/locked/f'), 'x', { mode: 0o000 });
    await symlink(outside, join(root, 'link'));
    await chmod(join(root, 'deep/locked'), 0o500);
    t.equal(await wipeTree(root), 3);
    t.same(await readdir(root), []);
    t.equal(await readFile(outside, 'utf8'), 'keep me', 'a symlink target is not touched');
    t.equal(await wipeTree(join(dir, 'missing')), 0, 'nothing to wipe');
    await writeFile(join(dir, 'file'), 'x');
    await t.rejects(wipeTree(join(dir, 'file')), { name: 'SupervisorError', code: 'SUPERVISOR_WIPE' });
  },
);

t.test('cpuSeconds: cgroup v2, cgroup v1, then the reaped children of /proc/self/stat', async (t) => {
  const dir = await temp(t);
  const v2 = join(dir, 'v2/');
  await mkdir(join(v2, 'sys/fs/cgroup'), { recursive: true });
  await writeFile(join(v2, 'sys/fs/cgroup/cpu.stat'), 'usage_usec 2500000\nuser_usec 1\n');
  t.equal(await cpuSeconds(v2), 2.5);
  const v1 = join(dir, 'v1/');
  await mkdir(join(v1, 'sys/fs/cgroup/cpu,cpuacct'), { recursive: true });
  await writeFile(join(v1, 'sys/fs/cgroup/cpu,cpuacct/cpuacct.usage'), '1500000000\n');
  t.equal(await cpuSeconds(v1), 1.5);
  const proc = join(dir, 'proc/');
  await mkdir(join(proc, 'proc/self'), { recursive: true });
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  await writeFile(join(proc, 'proc/self/stat'), '7 (node (x) y) S 1 7 7 0 -1 0 0 0 0 0 10 20 150 50 20 0\n');
  t.equal(await cpuSeconds(proc), 2);
  t.equal(await cpuSeconds(join(dir, 'none/')), 0);
  t.equal(childSeconds('1 (x) S'), 0);
});
