/**
 * `sealgate dataset encrypt` and `sealgate dataset decrypt`: the envelope from
 * the command line, for sellers working offline. Output appears at OUT only
 * when the whole operation succeeded; on any failure (tampering included) OUT
 * is left untouched and the command exits non-zero with one line.
 */
import { chmod, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
// The envelope's light index (not attest/index.ts), for start-up time: docs/envelope.md.
import {
  encodeKeyFile as encodeDataKeyFile,
  generateDataKey,
  isSealgateError,
  keyId as dataKeyId,
  parseKeyFile as parseDataKeyFile,
} from '../../../attest/envelope/index.js';
import { decryptFile, encryptFile } from '../../sdk/envelope-file.js';
import type { FileCryptOptions, FileCryptResult } from '../../sdk/envelope-file.js';
import { CliError, requireString } from '../command.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { createProgress } from '../progress.js';

/** Lowercase hex of `bytes`. */
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** `sealgate dataset encrypt FILE --out OUT --key-file KEY` (named and parsed in commands/index.ts). */
export async function runDatasetEncrypt(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const { file, out, keyFile } = paths(args);
  const size = await inputSize(file);
  const { key, created } = await loadOrCreateKey(keyFile);
  let result: FileCryptResult;
  try {
    result = await withProgress(ctx, `encrypting ${basename(file)}`, size, (o) =>
      encryptFile(file, out, key, o),
    );
  } catch (err) {
    if (created) await unlink(keyFile).catch(() => undefined);
    throw err;
  }
  const id = hex(dataKeyId(key));
  const { plaintextBytes, envelopeBytes, header } = result;
  ctx.print(
    `encrypted ${file} -> ${out}: ${plaintextBytes} bytes in ${header.chunkCount} chunks, key id ${id}` +
      (created ? ` (new key written to ${keyFile})` : ''),
    {
      file,
      out,
      keyFile,
      keyId: id,
      keyCreated: created,
      plaintextBytes,
      envelopeBytes,
      chunkSize: header.chunkSize,
    },
  );
}

/** `sealgate dataset decrypt FILE --key-file KEY --out OUT` (named and parsed in commands/index.ts). */
export async function runDatasetDecrypt(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const { file, out, keyFile } = paths(args);
  const size = await inputSize(file);
  const key = parseDataKeyFile(await io(keyFile, readFile(keyFile)));
  const result = await withProgress(ctx, `decrypting ${basename(file)}`, size, (o) =>
    decryptFile(file, out, key, o),
  );
  const id = hex(dataKeyId(key));
  const { plaintextBytes, envelopeBytes } = result;
  ctx.print(`decrypted ${file} -> ${out}: ${plaintextBytes} bytes, key id ${id}`, {
    file,
    out,
    keyId: id,
    plaintextBytes,
    envelopeBytes,
  });
}

function paths(args: ParsedArgs): { file: string; out: string; keyFile: string } {
  const file = args.positionals[0];
  const out = requireString(args, 'out');
  const keyFile = requireString(args, 'key-file');
  const [f, o, k] = [file, out, keyFile].map((p) => resolve(p));
  if (f === o || f === k || o === k)
    throw new CliError('CLI_USAGE', 'FILE, --out and --key-file must differ');
  return { file, out, keyFile };
}

async function inputSize(file: string): Promise<number> {
  const st = await io(file, stat(file));
  if (!st.isFile()) throw new CliError('CLI_IO', `${file} is not a regular file`);
  return st.size;
}

/** Read the key file, or create it (32 random bytes as a JSON key file, mode 0600) when missing. */
async function loadOrCreateKey(keyFile: string): Promise<{ key: Uint8Array; created: boolean }> {
  const existing = await readFile(keyFile).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cliError(keyFile, err);
  });
  if (existing !== undefined) return { key: parseDataKeyFile(existing), created: false };
  const key = generateDataKey();
  await io(keyFile, writeFile(keyFile, encodeDataKeyFile(key), { flag: 'wx', mode: 0o600 }));
  await chmod(keyFile, 0o600); // whatever the umask
  return { key, created: true };
}

/** Run a file operation with a progress bar on a TTY stderr; SIGINT/SIGTERM abort it cleanly. */
async function withProgress(
  ctx: CommandContext,
  label: string,
  total: number,
  op: (o: FileCryptOptions) => Promise<FileCryptResult>,
): Promise<FileCryptResult> {
  const progress = createProgress(ctx.stderr, { label, total });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    return await op({ signal: abort.signal, onProgress: (done) => progress.update(done) });
  } catch (err) {
    if (abort.signal.aborted) throw new CliError('CLI_IO', 'interrupted; nothing was written');
    throw cliError(label, err);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    progress.finish();
  }
}

/** Await `p`, turning a file-system error into a one-line `CLI_IO` error about `what`. */
async function io<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw cliError(what, err);
  }
}

/** A file-system error as a `CLI_IO` error about `what`; any other error as it is. */
function cliError(what: string, err: unknown): unknown {
  if (isSealgateError(err)) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? new CliError('CLI_IO', `${what}: ${code}`, { cause: err }) : err;
}
