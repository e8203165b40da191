/**
 * `sealgate dataset publish FILE --title T --price P ...`: the seller's half of
 * DESIGN.md 5 step 1 on their own machine. A fresh data key (DEK) is saved
 * 0600 as `$SEALGATE_HOME/datasets/<keyId>.key`, FILE is encrypted beside it
 * into `<keyId>.env` (the envelope, docs/envelope.md), the ciphertext is
 * uploaded as a blob, the DEK is wrapped to the gateway's key broker for
 * `broker` custody (never sent in `seller` custody), and the listing is
 * posted. Progress bars on a terminal. On any failure before the listing
 * exists, the key and envelope made by this run are removed again, so the
 * command can simply be run again.
 *
 * With `--fingerprint` (the default; docs/egress-protocol.md 2, docs/canaries.md)
 * `--canaries N` (default 16) canary rows are planted `--canary-repeat R`
 * times (default 1) before encryption, the fingerprint index is built from
 * the plaintext, the canary set is encrypted under the same data key, both
 * are uploaded, and the fingerprint key is sealed to the broker whatever the
 * custody. The fingerprint key, the index and the canary set stay in
 * `$SEALGATE_HOME/datasets/<dataset id>/` (0600).
 */
import { createHmac } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  IndexBuilder,
  encodeDataKeyFile,
  generateDataKey,
  isSealgateError,
  wrapKey,
} from '../../../attest/index.js';
import type { HmacSha256 } from '../../../attest/index.js';
import type { DatasetPolicy } from '../../../policies/index.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import { uploadBlob } from '../../sdk/blobs.js';
import type { SchemaField } from '../../sdk/catalog.js';
import { brokerPublicKey, publishDataset } from '../../sdk/catalog.js';
import { checkCanaryCounts } from '../../sdk/canaries.js';
import type { IndexBuilderFactory } from '../../sdk/fingerprint-publish.js';
import { prepareDataset, uploadFingerprint } from '../../sdk/fingerprint-publish.js';
import { GatewayRequestError } from '../../sdk/gateway-client.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError, requireString } from '../command.js';
import { createProgress } from '../progress.js';
import { amountOf, digestOf, optionalString, repeated, signedClient } from './session.js';

/** Read a JSON file given on the command line; CLI_IO or CLI_USAGE naming it. */
async function readJson(path: string, option: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(
      'CLI_IO',
      `${option} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      { cause: err },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError('CLI_USAGE', `${option} ${path} is not valid JSON`, { cause: err });
  }
}

/** `--schema FILE.json`: a JSON array of `{name, type, description?}` (no data); none by default. */
async function schemaOf(args: ParsedArgs): Promise<SchemaField[]> {
  const path = optionalString(args, 'schema');
  if (path === undefined) return [];
  const value = await readJson(path, '--schema');
  const ok =
    Array.isArray(value) &&
    value.every((f) => {
      const field = f as Partial<SchemaField> | null;
      return (
        typeof field === 'object' &&
        field !== null &&
        typeof field.name === 'string' &&
        typeof field.type === 'string'
      );
    });
  if (!ok)
    throw new CliError(
      'CLI_USAGE',
      `--schema ${path} must be a JSON array of {"name", "type", "description"?}`,
    );
  return value as SchemaField[];
}

/**
 * The policy: `--policy FILE.json` (or the defaults), parsed here so a bad
 * field is found before anything is encrypted; `--allow-model` digests are
 * added to `release.allowedModels`; `--custody` sets `release.custody` and
 * must agree with the file when both name it.
 */
export async function policyOf(args: ParsedArgs): Promise<DatasetPolicy> {
  const path = optionalString(args, 'policy');
  const raw = path === undefined ? {} : await readJson(path, '--policy');
  const policy = parseDatasetPolicy(raw);
  const custody = optionalString(args, 'custody');
  if (custody !== undefined) {
    if (custody !== 'broker' && custody !== 'seller')
      throw new CliError('CLI_USAGE', '--custody must be broker or seller');
    const named = (raw as { release?: { custody?: unknown } }).release?.custody;
    if (named !== undefined && named !== custody) {
      throw new CliError(
        'CLI_USAGE',
        `--custody ${custody} contradicts release.custody ${JSON.stringify(named)} in ${path ?? ''}`,
      );
    }
  }
  const allowed = repeated(args, 'allow-model').map((d) => digestOf(d, '--allow-model'));
  const models = [...new Set([...policy.release.allowedModels, ...allowed])];
  return {
    ...policy,
    release: {
      ...policy.release,
      allowedModels: models,
      custody: custody ?? policy.release.custody,
    },
  };
}

/** The dataset publish command (named and parsed in commands/index.ts). */
export async function runDatasetPublish(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const file = args.positionals[0];
  const title = requireString(args, 'title');
  const price = amountOf(requireString(args, 'price'), '--price');
  const description = optionalString(args, 'description') ?? '';
  const schema = await schemaOf(args);
  const policy = await policyOf(args);
  const custody = policy.release.custody;
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : Promise.reject(new CliError('CLI_IO', `${file} is not a regular file`))),
    (err: unknown) =>
      Promise.reject(
        new CliError('CLI_IO', `${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`),
      ),
  );
  const fingerprint = args.values['no-fingerprint'] !== true;
  if (args.values['no-fingerprint'] === true && args.values.fingerprint === true)
    throw new CliError('CLI_USAGE', '--fingerprint and --no-fingerprint contradict each other');
  const canaries = countOf(args, 'canaries', fingerprint ? 16 : 0);
  const repeat = countOf(args, 'canary-repeat', 1);
  if (canaries > 0) checkCanaryCounts({ planted: canaries, repeat });
  const index = fingerprint ? indexBuilder : undefined;
  const client = await signedClient(ctx);
  // Ask the broker before the heavy work: it also checks that the gateway answers.
  const broker = custody === 'broker' || fingerprint ? brokerKeyOf(await brokerPublicKey(client)) : undefined;

  const dek = generateDataKey();
  const keyId = bytesToHex(dataKeyId(dek));
  const dir = join(ctx.home, 'datasets');
  const keyFile = join(dir, `${keyId}.key`);
  const envelope = join(dir, `${keyId}.env`);
  const stage = join(dir, `${keyId}.d`);
  await ioStep(dir, mkdir(dir, { recursive: true, mode: 0o700 }));
  await ioStep(stage, mkdir(stage, { mode: 0o700 }));
  await ioStep(keyFile, writeFile(keyFile, encodeDataKeyFile(dek), { flag: 'wx', mode: 0o600 }));
  try {
    await chmod(keyFile, 0o600); // whatever the umask
    const bars = new Map<string, ReturnType<typeof createProgress>>();
    const progress = (step: string, done: number, total: number) => {
      let bar = bars.get(step);
      if (!bar) {
        for (const other of bars.values()) other.finish();
        bar = createProgress(ctx.stderr, { label: step, total });
        bars.set(step, bar);
      }
      bar.update(done);
    };
    const prepared = await prepareDataset(file, stage, dek, {
      ...(index ? { index } : {}),
      scan: policy.egress.scan,
      canaries,
      // the default count gives way on data with no distinctive column; an explicit one does not
      canariesOptional: args.values.canaries === undefined,
      repeat,
      envelope,
      // planting counts rows; shown against the file's size
      onProgress: (step, done, total) =>
        step === 'planting'
          ? progress('planting canaries', Math.round((done / total) * size), size)
          : progress(`encrypting ${basename(file)}`, done, total),
    }).finally(() => bars.forEach((b) => b.finish()));
    const blob = await uploadBlob(client, envelope, (sent, total) =>
      progress('uploading', sent, total),
    ).finally(() => bars.get('uploading')?.finish());
    const fields = await uploadFingerprint(client, prepared, broker, (step, sent, total) =>
      progress(step === 'index' ? 'uploading the index' : 'uploading the canaries', sent, total),
    ).finally(() => bars.forEach((b) => b.finish()));
    const listing = await publishDataset(client, {
      title,
      description,
      schema,
      price,
      policy,
      blob: { digest: blob.digest },
      ...fields,
      key: {
        keyId,
        custody,
        ...(broker && custody === 'broker' ? { wrapped: bytesToBase64(wrapKey(dek, broker)) } : {}),
      },
    });
    if (prepared.canariesSkipped !== undefined && !ctx.json) {
      ctx.stderr.write(`note: no canaries planted: ${prepared.canariesSkipped}\n`);
    }
    // the seller's copies now live under the dataset's id
    const home = join(dir, listing.id);
    await rename(stage, home).catch((err: unknown) => {
      ctx.stderr.write(`note: ${stage} could not become ${home}: ${(err as NodeJS.ErrnoException).code}\n`);
    });
    const kept = (path: string) => join(home, basename(path));
    ctx.print(listing.id, {
      ...listing,
      keyFile,
      envelope,
      ...(prepared.rows === undefined ? {} : { rows: prepared.rows }),
      ...(prepared.canariesSkipped === undefined ? {} : { canariesSkipped: prepared.canariesSkipped }),
      ...(prepared.fingerprint
        ? {
            fingerprintFile: kept(prepared.fingerprint.file),
            fingerprintKeyFile: kept(prepared.fingerprint.keyFile),
          }
        : {}),
      ...(prepared.canaries
        ? {
            canarySet: kept(prepared.canaries.file),
            canaryEnvelope: kept(prepared.canaries.envelope),
            canaryRepeat: prepared.canaries.repeat,
          }
        : {}),
    });
    if (policy.release.allowedModels.length === 0 && !ctx.json) {
      ctx.stderr.write(
        'note: no model may run on it yet; allow one with --allow-model (sealgate dataset publish --help)\n',
      );
    }
  } catch (err) {
    await rm(keyFile, { force: true });
    await rm(envelope, { force: true });
    await rm(stage, { recursive: true, force: true });
    throw isSealgateError(err)
      ? err
      : new CliError('CLI_IO', `${file}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`, { cause: err });
  } finally {
    dek.fill(0);
  }
}

/** A count option: a decimal integer, or `dflt` when absent (bounds are checked by the canary code). */
function countOf(args: ParsedArgs, name: string, dflt: number): number {
  const value = optionalString(args, name);
  if (value === undefined) return dflt;
  if (!/^[0-9]{1,6}$/.test(value)) throw new CliError('CLI_USAGE', `--${name} must be a whole number`);
  return Number(value);
}

/** Node's HMAC-SHA256 (OpenSSL) for the index's MAC: several times noble's speed over 300 MiB. */
const hmacSha256: HmacSha256 = (key, data) => createHmac('sha256', key).update(data).digest();

/** The fingerprint index builder (docs/egress-protocol.md 1): attest's IndexBuilder. */
const indexBuilder: IndexBuilderFactory = (key, columns, scan) =>
  new IndexBuilder(key, columns, scan, { hmacSha256 });

function brokerKeyOf(base64: string): Uint8Array {
  const key = base64ToBytes(base64);
  if (key?.length !== 32)
    throw new GatewayRequestError('CLIENT_BAD_REPLY', 'the broker key is not a base64 X25519 key', 200);
  return key;
}

async function ioStep<T>(path: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new CliError('CLI_IO', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`, {
      cause: err,
    });
  }
}
