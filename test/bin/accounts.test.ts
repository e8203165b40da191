/**
 * `sealgate account create|show` as users run them: the built binary against a
 * real gateway started by `sealgate gateway start` in a child process, each
 * user with their own SEALGATE_HOME. Bad input and the config precedence are
 * in account-input.test.ts (split so each file stays well inside tap's timeout).
 */
import t from 'tap';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLine, deadUrl, sealgate, startGatewayProcess } from './sealgate.js';

const gatewayData = join(t.testdir(), 'gateway');
const gw = await startGatewayProcess(t, gatewayData);
const ID = /^acct_[a-z2-7]{32}$/;

t.test('account create registers a key and prints its id; show prints it back', async (t) => {
  const home = t.testdir();
  const env = { SEALGATE_HOME: home };
  const created = await sealgate(
    ['account', 'create', '--role', 'seller', '--role', 'buyer', '--name', 'alice', '--gateway', gw.url],
    env,
  );
  t.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  t.match(id, ID, 'stdout is the id alone');
  const keyFile = join(home, 'keys', 'account.json');
  t.equal(statSync(keyFile).mode & 0o777, 0o600, 'the key file is 0600');

  const mine = await sealgate(['account', 'show', '--gateway', gw.url, '--json'], env);
  const account = JSON.parse(mine.stdout) as Record<string, unknown>;
  t.same(Object.keys(account).sort(), ['createdAt', 'id', 'name', 'publicKey', 'roles']);
  t.match(account, { id, name: 'alice', roles: ['seller', 'buyer'], publicKey: /^[A-Za-z0-9+/]{43}=$/ });

  const text = await sealgate(['account', 'show', '--gateway', gw.url], env);
  t.match(text.stdout, new RegExp(`^id\\s+${id}\\nname\\s+alice\\nroles\\s+seller, buyer\\n`));

  const profile = await sealgate(['account', 'show', id, '--gateway', gw.url, '--json']);
  t.same(Object.keys(JSON.parse(profile.stdout) as object).sort(), ['createdAt', 'id', 'name', 'roles']);

  const again = await sealgate(['account', 'create', '--role', 'buyer', '--gateway', gw.url], env);
  assertOneLine(t, again, 'KEYSTORE_EXISTS');
  t.match(again.stderr, /account show/, 'it says what to do next');
  t.match(JSON.parse(readFileSync(keyFile, 'utf8')), { id }, 'the key was not overwritten');
});

t.test('account create --json gives the account and where its key is', async (t) => {
  const home = t.testdir();
  const r = await sealgate(['account', 'create', '--role', 'publisher', '--gateway', gw.url, '--json'], {
    SEALGATE_HOME: home,
  });
  const body = JSON.parse(r.stdout) as Record<string, unknown>;
  t.same(Object.keys(body).sort(), ['createdAt', 'id', 'keyFile', 'publicKey', 'roles']);
  t.match(body, { id: ID, roles: ['publisher'], keyFile: join(home, 'keys', 'account.json') });
});

t.test('admin enroll-token prints the token alone; its expiry goes to stderr', async (t) => {
  const home = t.testdir();
  const miner = await sealgate(['account', 'create', '--role', 'miner', '--gateway', gw.url], {
    SEALGATE_HOME: home,
  });
  const operatorKey = join(gatewayData, 'operator-key.json');
  t.equal(miner.code, 0, miner.stderr);
  const args = ['admin', 'enroll-token', '--miner', miner.stdout.trim(), '--key-file', operatorKey];
  const text = await sealgate([...args, '--gateway', gw.url]);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /^sgn1\.\S+\n$/, 'one line: the token, so token=$(…) works');
  t.match(text.stderr, /^sealgate: the token enrolls one node, once; it expires \d{4}-\d\d-\d\dT/);
  const json = await sealgate([...args, '--gateway', gw.url, '--json']);
  t.match(JSON.parse(json.stdout), { token: /^sgn1\./, expiresAt: String });
  t.equal(json.stderr, '', 'nothing on stderr with --json');
});

t.test('a gateway that does not answer is one line CLIENT_UNREACHABLE, exit 1, no key left', async (t) => {
  const home = t.testdir();
  const dead = await deadUrl();
  const r = await sealgate(['account', 'create', '--role', 'buyer', '--gateway', dead], {
    SEALGATE_HOME: home,
  });
  assertOneLine(t, r, 'CLIENT_UNREACHABLE');
  t.match(r.stderr, new RegExp(`cannot reach the gateway at ${dead}; .*--gateway`));
  t.notOk(existsSync(join(home, 'keys', 'account.json')), 'the unregistered key was removed');

  const json = await sealgate(['account', 'show', 'acct_' + 'a'.repeat(32), '--gateway', dead, '--json']);
  t.match(JSON.parse(json.stdout), { error: { code: 'CLIENT_UNREACHABLE', message: String, hint: String } });

  const debug = await sealgate(['account', 'show', 'acct_' + 'a'.repeat(32), '--gateway', dead, '--debug']);
  t.equal(debug.code, 1);
  t.match(
    debug.stderr,
    /\(CLIENT_UNREACHABLE\)\n[^\n]*cannot reach[^\n]*\n\s+at /,
    '--debug prints the stack',
  );
});

t.test('SIGTERM stops the gateway with exit 0', async (t) => {
  t.equal(await gw.stop(), 0);
});
