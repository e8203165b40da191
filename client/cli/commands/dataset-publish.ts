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
 */
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  encodeDataKeyFile,
  generateDataKey,
  isSealgateError,
  wrapKey,
} from '../../../attest/index.js';
import type { DatasetPolicy } from '../../../policies/index.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import { uploadBlob } from '../../sdk/blobs.js';
import type { SchemaField } from '../../sdk/catalog.js';
import { brokerPublicKey, publishDataset } from '../../sdk/catalog.js';
import { encryptFile } from '../../sdk/envelope-file.js';
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
  const client = await signedClient(ctx);
  // Ask the broker before the heavy work: it also checks that the gateway answers.
  const broker = custody === 'broker' ? brokerKeyOf(await brokerPublicKey(client)) : undefined;

  const dek = generateDataKey();
  const keyId = bytesToHex(dataKeyId(dek));
  const dir = join(ctx.home, 'datasets');
  const keyFile = join(dir, `${keyId}.key`);
  const envelope = join(dir, `${keyId}.env`);
  await ioStep(dir, mkdir(dir, { recursive: true, mode: 0o700 }));
  await ioStep(keyFile, writeFile(keyFile, encodeDataKeyFile(dek), { flag: 'wx', mode: 0o600 }));
  try {
    await chmod(keyFile, 0o600); // whatever the umask
    const encrypting = createProgress(ctx.stderr, { label: `encrypting ${basename(file)}`, total: size });
    const sealed = await encryptFile(file, envelope, dek, {
      onProgress: (done) => encrypting.update(done),
    }).finally(() => encrypting.finish());
    const uploading = createProgress(ctx.stderr, { label: 'uploading', total: sealed.envelopeBytes });
    const blob = await uploadBlob(client, envelope, (sent) => uploading.update(sent)).finally(() =>
      uploading.finish(),
    );
    const listing = await publishDataset(client, {
      title,
      description,
      schema,
      price,
      policy,
      blob: { digest: blob.digest },
      key: { keyId, custody, ...(broker ? { wrapped: bytesToBase64(wrapKey(dek, broker)) } : {}) },
    });
    ctx.print(listing.id, { ...listing, keyFile, envelope });
    if (policy.release.allowedModels.length === 0 && !ctx.json) {
      ctx.stderr.write(
        'note: no model may run on it yet; allow one with --allow-model (sealgate dataset publish --help)\n',
      );
    }
  } catch (err) {
    await rm(keyFile, { force: true });
    await rm(envelope, { force: true });
    throw isSealgateError(err)
      ? err
      : new CliError('CLI_IO', `${file}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`, { cause: err });
  } finally {
    dek.fill(0);
  }
}

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
