/**
 * A fake node agent for supervisor tests: it speaks the stdio protocol of
 * docs/node-protocol.md section 5 to a supervisor (a host process, or a sealed
 * container's attach streams), answering `hello` with a `run` message made
 * from the hello key, and collects every message until the stream ends.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  base64ToBytes,
  bytesToBase64,
  encryptBytes,
  generateBoxKeyPair,
  generateDataKey,
  wrapKey,
  type BoxKeyPair,
} from '../../../../attest/index.js';

/** Any message the supervisor sent, as parsed JSON. */
export type Message = Record<string, unknown> & { t: string };

/**
 * Reads JSON lines from `out` until it ends; writes the `run` message once `hello` came
 * (a string as is, `null` to close stdin instead, anything else as JSON).
 */
export async function converse(
  out: Readable,
  input: NodeJS.WritableStream,
  makeRun: (helloKey: Uint8Array) => unknown,
): Promise<Message[]> {
  const messages: Message[] = [];
  let rest = '';
  for await (const chunk of out as AsyncIterable<Buffer>) {
    rest += chunk.toString('utf8');
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const msg = JSON.parse(line) as Message;
      messages.push(msg);
      if (msg.t === 'hello') {
        const key = base64ToBytes(msg.publicKey as string) as Uint8Array;
        const run = makeRun(key);
        if (run === null) input.end();
        else input.write(typeof run === 'string' ? run : `${JSON.stringify(run)}\n`);
      }
    }
  }
  return messages;
}

/** A temporary /sealed: ROOT/ciphertext, ROOT/input/, ROOT/output/. */
export async function sealedRoot(ciphertext: Uint8Array): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-'));
  await mkdir(join(root, 'input'));
  await mkdir(join(root, 'output'));
  await writeFile(join(root, 'ciphertext'), ciphertext);
  return root;
}

/** A dataset sealed under a fresh data key, and a broker key pair. */
export async function sealedDataset(
  plaintext: string,
): Promise<{ dek: Uint8Array; ciphertext: Uint8Array; broker: BoxKeyPair }> {
  const dek = generateDataKey();
  const ciphertext = await encryptBytes(new TextEncoder().encode(plaintext), { key: dek, chunkSize: 64 });
  return { dek, ciphertext, broker: generateBoxKeyPair() };
}

/** The `run` message fields of a test, with the key wrapped to the hello key. */
export function runMessage(
  helloKey: Uint8Array,
  key: Uint8Array,
  broker: Uint8Array,
  fields: Record<string, unknown>,
) {
  return {
    t: 'run',
    mode: 'train',
    wrappedKey: bytesToBase64(wrapKey(key, helloKey)),
    metrics: ['loss', 'accuracy'],
    params: { steps: 100, hyperparameters: { lr: 0.1 } },
    brokerPublicKey: bytesToBase64(broker),
    ...fields,
  };
}

const HOST = fileURLToPath(new URL('./host-supervisor.js', import.meta.url));

/** Runs the supervisor as a host process on `root`; resolves to its messages, exit status and stderr. */
export async function runHost(
  root: string,
  makeRun: (helloKey: Uint8Array) => unknown,
  seccomp: 'real' | 'fail' | 'unprepared' = 'real',
): Promise<{ messages: Message[]; status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [HOST, root, seccomp], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const status = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const messages = await converse(child.stdout, child.stdin, makeRun);
  return { messages, status: await status, stderr };
}
