/**
 * Shared set-up of the market tests (market-*.test.ts): a real gateway over
 * LevelDB in a temp dir on a loopback listener in the test process (so a test
 * can play the node that settles a run), users each with their own
 * SEALGATE_HOME, and the small inputs the tests publish, all made here.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateSigningKeyPair } from '../../attest/index.js';
import { GatewayClient, defaultKeyPath, registerAccount, saveKeyFile, tarball } from '../../client/index.js';
import type { AccountRole } from '../../client/index.js';
import { buildApp } from '../../gateway/index.js';
import type { Run, Test } from './sealgate.js';
import { sealgate } from './sealgate.js';

/** A gateway listening on loopback for one test file, over `root/gateway`. */
export interface MarketGateway {
  readonly app: FastifyInstance;
  readonly data: string;
  readonly url: string;
  /** A scratch directory for inputs and outputs. */
  readonly work: string;
  /** Close it (once; the teardown closes it otherwise). */
  readonly close: () => Promise<void>;
  /** `sealgate ARGS... --gateway URL` as the user whose home is `home`. */
  readonly as: (home: string, ...args: string[]) => Promise<Run>;
}

/** Start the gateway; it is closed when `t` ends. */
export async function marketGateway(t: Test, root: string): Promise<MarketGateway> {
  const data = join(root, 'gateway');
  const work = join(root, 'work');
  await mkdir(work, { recursive: true });
  const app = await buildApp({ dataDir: data, rateLimitPerMinute: false, maxEventLoopDelayMs: false });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  t.teardown(close);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    data,
    url,
    work,
    close,
    as: (home, ...args) => sealgate([...args, '--gateway', url], { SEALGATE_HOME: home }),
  };
}

/** A user: a home with a registered account key, as `sealgate account create` leaves it. */
export interface User {
  readonly home: string;
  readonly id: string;
  readonly client: GatewayClient;
}

/** Make a home under `root` named `name` with an account of `role`, registered through the SDK (quicker than a CLI run). */
export async function user(gw: MarketGateway, root: string, name: string, role: AccountRole): Promise<User> {
  const home = join(root, name);
  const key = generateSigningKeyPair();
  await saveKeyFile(defaultKeyPath(home, 'account'), 'account', key);
  const client = new GatewayClient({ gateway: gw.url, key });
  const account = await registerAccount(client, [role], name);
  return { home, id: account.id, client };
}

/** A small CSV, made here. */
export const CSV = 'age,readmitted\n71,true\n54,false\n63,true\n';

/** A model.json in the format of docs/policies.md, made here. */
export const MODEL = {
  name: 'tabular-gbm',
  version: '1.0.0',
  entrypoints: { train: ['/model/train'] },
  metrics: ['loss'],
  unitCost: '1',
  baseFee: '100',
  benchmark: { steps: 100, seconds: 2 },
};

/**
 * A `docker save`-shaped archive made here: manifest.json naming one config,
 * and the config; its image id is the SHA-256 of the config (OCI image spec).
 */
export function dockerSaveArchive(): { archive: Buffer; imageId: string } {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const hex = createHash('sha256').update(config).digest('hex');
  const manifest = [{ Config: `${hex}.json`, RepoTags: ['tabular-gbm:1'], Layers: [] }];
  const archive = tarball([
    { path: 'manifest.json', content: JSON.stringify(manifest) },
    { path: `${hex}.json`, content: config },
  ]);
  return { archive, imageId: `sha256:${hex}` };
}

/** A command's stdout as JSON. */
export const json = <T = Record<string, unknown>>(stdout: string): T => JSON.parse(stdout) as T;
