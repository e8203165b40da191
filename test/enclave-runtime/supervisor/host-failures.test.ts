/**
 * The supervisor as a host process, failing: each failure is one `error`
 * message with its code and exit status 1, the model never starts, and any
 * plaintext written is wiped (docs/supervisor.md). Split from host.test.ts so
 * neither file nears tap's per-file timeout on a loaded machine.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { generateBoxKeyPair, generateDataKey } from '../../../attest/index.js';
import { runHost, runMessage, sealedDataset, sealedRoot } from './helpers/agent.js';

const DATA = 'name,age,label\nAda Lovelace,36,1\nAlan Turing,41,0\n';

t.test('failures: one error message with its code, status 1, plaintext wiped', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const cases: {
    name: string;
    code: string;
    run: (hello: Uint8Array, root: string) => unknown;
    seccomp?: 'fail' | 'unprepared';
    tamper?: boolean;
  }[] = [
    { name: 'not JSON', code: 'SUPERVISOR_PROTOCOL', run: () => 'hello there\n' },
    { name: 'stdin closed before the run message', code: 'SUPERVISOR_PROTOCOL', run: () => null },
    {
      name: 'a bad field',
      code: 'SUPERVISOR_PROTOCOL',
      run: (h) => runMessage(h, dek, broker.publicKey, { command: [], mode: 'train' }),
    },
    {
      name: 'a key wrapped to another key',
      code: 'SUPERVISOR_KEY',
      run: () => runMessage(generateBoxKeyPair().publicKey, dek, broker.publicKey, { command: ['true'] }),
    },
    {
      name: 'a tampered ciphertext',
      code: 'SUPERVISOR_DECRYPT',
      tamper: true,
      run: (h) => runMessage(h, dek, broker.publicKey, { command: ['true'] }),
    },
    {
      name: 'the wrong data key',
      code: 'SUPERVISOR_DECRYPT',
      run: (h) => runMessage(h, generateDataKey(), broker.publicKey, { command: ['true'] }),
    },
    {
      name: 'seccomp refuses to load',
      code: 'SUPERVISOR_SECCOMP',
      seccomp: 'fail',
      run: (h) => runMessage(h, dek, broker.publicKey, { command: ['true'] }),
    },
    {
      name: 'the seccomp filter could not be prepared after hello',
      code: 'SUPERVISOR_SECCOMP',
      seccomp: 'unprepared',
      run: (h) => runMessage(h, dek, broker.publicKey, { command: ['true'] }),
    },
    {
      name: 'a command that does not exist',
      code: 'SUPERVISOR_SPAWN',
      run: (h, root) => runMessage(h, dek, broker.publicKey, { command: [join(root, 'no-such-model')] }),
    },
    {
      name: 'a sealed model that is not a bundle',
      code: 'SUPERVISOR_BUNDLE',
      run: (h) => runMessage(h, dek, broker.publicKey, { command: ['true'], mode: 'predict', inputs: '' }),
    },
  ];
  for (const c of cases) {
    const sealed =
      c.tamper === true ? Uint8Array.from(ciphertext, (b, i) => (i === 120 ? b ^ 1 : b)) : ciphertext;
    const root = await sealedRoot(sealed);
    t.teardown(() => rm(root, { recursive: true, force: true }));
    const { messages, status } = await runHost(root, (h) => c.run(h, root), c.seccomp ?? 'real');
    t.equal(status, 1, c.name);
    t.match(messages.at(-1), { t: 'error', code: c.code }, c.name);
    t.notOk(
      messages.some((m) => m.t === 'started'),
      `${c.name}: the model never started`,
    );
    t.same(await readdir(join(root, 'input')), [], `${c.name}: input wiped`);
  }
});
