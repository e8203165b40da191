import t from 'tap';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKeyPair, nodeId } from '../../attest/index.js';
import { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from '../../client/index.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

t.test('a key file is written 0600 in a 0700 directory and read back', async (t) => {
  const home = t.testdir();
  const path = defaultKeyPath(home, 'node');
  t.equal(path, join(home, 'keys', 'node.json'));
  const pair = generateSigningKeyPair();
  await saveKeyFile(path, 'node', pair);
  t.equal(await mode(path), 0o600, 'file 0600');
  t.equal(await mode(join(home, 'keys')), 0o700, 'directory 0700');
  t.same(await readdir(join(home, 'keys')), ['node.json'], 'no temp file left behind');
  const back = await loadKeyFile(path, 'node');
  t.equal(back.id, nodeId(pair.publicKey));
  t.same(back.keyPair.secretKey, pair.secretKey);
});

t.test('the mode is 0600 whatever the umask', async (t) => {
  const home = t.testdir();
  const old = process.umask(0o000);
  try {
    await saveKeyFile(join(home, 'k.json'), 'account', generateSigningKeyPair());
  } finally {
    process.umask(old);
  }
  t.equal(await mode(join(home, 'k.json')), 0o600);
});

t.test('an existing key is not overwritten unless asked, and its mode never loosened', async (t) => {
  const home = t.testdir();
  const path = join(home, 'account.json');
  const first = generateSigningKeyPair();
  await saveKeyFile(path, 'account', first);
  const second = generateSigningKeyPair();
  await t.rejects(saveKeyFile(path, 'account', second), { code: 'KEYSTORE_EXISTS', name: 'KeystoreError' });
  t.same((await loadKeyFile(path)).keyPair.publicKey, first.publicKey, 'first key kept');
  await chmod(path, 0o400);
  await saveKeyFile(path, 'account', second, { overwrite: true });
  t.equal(await mode(path), 0o400, 'a stricter mode is kept');
  t.same((await loadKeyFile(path)).keyPair.publicKey, second.publicKey, 'replaced');
  await chmod(path, 0o644);
  await saveKeyFile(path, 'account', first, { overwrite: true });
  t.equal(await mode(path), 0o600, 'a looser mode is tightened');
});

t.test('an existing directory keeps its mode', async (t) => {
  const home = t.testdir();
  await mkdir(join(home, 'shared'), { mode: 0o755 });
  await chmod(join(home, 'shared'), 0o755);
  await saveKeyFile(join(home, 'shared', 'k.json'), 'node', generateSigningKeyPair());
  t.equal(await mode(join(home, 'shared')), 0o755);
  t.equal(await mode(join(home, 'shared', 'k.json')), 0o600);
});

t.test('reading refuses missing, exposed and bad key files', async (t) => {
  const home = t.testdir();
  await t.rejects(loadKeyFile(join(home, 'none.json')), { code: 'KEYSTORE_NOT_FOUND' });
  const path = join(home, 'k.json');
  await saveKeyFile(path, 'account', generateSigningKeyPair());
  await chmod(path, 0o640);
  await t.rejects(loadKeyFile(path), { code: 'KEYSTORE_INSECURE' });
  await chmod(path, 0o604);
  await t.rejects(loadKeyFile(path), { code: 'KEYSTORE_INSECURE' });
  await chmod(path, 0o600);
  await t.rejects(loadKeyFile(path, 'node'), { code: 'KEY_FILE_UNSUPPORTED' });
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace('"version": 1', '"version": 9'), { mode: 0o600 });
  await t.rejects(loadKeyFile(path), { code: 'KEY_FILE_UNSUPPORTED' });
  await t.rejects(loadKeyFile(home), { code: 'KEYSTORE_IO' }, 'a directory is not a key file');
});

t.test('I/O failures are KEYSTORE_IO', async (t) => {
  const home = t.testdir({ file: 'x' });
  // A path under a regular file: mkdir fails.
  await t.rejects(saveKeyFile(join(home, 'file', 'k.json'), 'node', generateSigningKeyPair()), {
    code: 'KEYSTORE_IO',
  });
  // The target is a directory: the rename fails and the temp file is removed.
  await mkdir(join(home, 'dir.json', 'inner'), { recursive: true });
  await t.rejects(
    saveKeyFile(join(home, 'dir.json'), 'node', generateSigningKeyPair(), { overwrite: true }),
    {
      code: 'KEYSTORE_IO',
    },
  );
  t.same((await readdir(home)).sort(), ['dir.json', 'file']);
  t.ok(new KeystoreError('KEYSTORE_IO', 'x') instanceof Error);
});
