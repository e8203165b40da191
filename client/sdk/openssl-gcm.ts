/**
 * AES-256-GCM through the OpenSSL that Node itself links (its exported EVP
 * functions, called with koffi), for the envelope's file path. Node 20's
 * `cipher.update` returns a new buffer on every call (allocated twice, zeroed
 * once, copied once inside Node, and once more into the caller's output); the
 * EVP calls below read the caller's input and write straight into the caller's
 * output, so a 1 MiB chunk costs AES and nothing else (docs/envelope.md).
 *
 * Memory safety rests on this file: every length passed to C is the length of
 * the typed array passed with it, and each output is checked to be large
 * enough before the call. Each chunk gets its own `EVP_CIPHER_CTX`, freed
 * (and so wiped, OpenSSL's `EVP_CIPHER_CTX_free`) before the call settles.
 */
import type { LibraryHandle } from 'koffi';

type Ptr = unknown;
type Update = ((
  ctx: Ptr,
  out: Uint8Array | null,
  outl: Int32Array,
  input: Uint8Array,
  inl: number,
) => number) & {
  async(
    ctx: Ptr,
    out: Uint8Array,
    outl: Int32Array,
    input: Uint8Array,
    inl: number,
    done: (err: unknown, res: number) => void,
  ): void;
};
type Init = (ctx: Ptr, cipher: Ptr, engine: null, key: Uint8Array, iv: Uint8Array) => number;
type Final = (ctx: Ptr, out: Uint8Array, outl: Int32Array) => number;

/** The EVP functions used here, typed (OpenSSL 3.0 <openssl/evp.h>). */
export interface Evp {
  readonly cipher: Ptr;
  readonly ctxNew: () => Ptr;
  readonly ctxFree: (ctx: Ptr) => void;
  readonly ctrl: (ctx: Ptr, type: number, arg: number, ptr: Uint8Array) => number;
  readonly clearErrors: () => void;
  readonly encryptInit: Init;
  readonly encryptUpdate: Update;
  readonly encryptFinal: Final;
  readonly decryptInit: Init;
  readonly decryptUpdate: Update;
  readonly decryptFinal: Final;
}

let bound: Promise<Evp | undefined> | undefined;

/**
 * Node's OpenSSL, bound once per process; `undefined` where it cannot be
 * (koffi missing, a Node built against a shared OpenSSL without these
 * exports, another platform): callers fall back to node:crypto.
 */
export function openSslGcm(): Promise<Evp | undefined> {
  bound ??= bind().catch(() => undefined);
  return bound;
}

async function bind(): Promise<Evp | undefined> {
  const koffi = (await import('koffi')).default;
  const lib: LibraryHandle = koffi.load(null);
  const fetch = lib.func('void *EVP_CIPHER_fetch(void *ctx, const char *name, const char *props)');
  const cipher: Ptr = fetch(null, 'AES-256-GCM', null);
  if (cipher === null || cipher === 0n) return undefined;
  const init = (name: string): Init =>
    lib.func(
      `int ${name}(void *ctx, void *cipher, void *engine, const uint8_t *key, const uint8_t *iv)`,
    ) as Init;
  const update = (name: string): Update =>
    lib.func(`int ${name}(void *ctx, uint8_t *out, int *outl, const uint8_t *in, int inl)`) as Update;
  const final = (name: string): Final => lib.func(`int ${name}(void *ctx, uint8_t *out, int *outl)`) as Final;
  return {
    cipher,
    ctxNew: lib.func('void *EVP_CIPHER_CTX_new()') as () => Ptr,
    ctxFree: lib.func('void EVP_CIPHER_CTX_free(void *ctx)') as (ctx: Ptr) => void,
    ctrl: lib.func('int EVP_CIPHER_CTX_ctrl(void *ctx, int type, int arg, uint8_t *ptr)') as Evp['ctrl'],
    clearErrors: lib.func('void ERR_clear_error()') as () => void,
    encryptInit: init('EVP_EncryptInit_ex'),
    encryptUpdate: update('EVP_EncryptUpdate'),
    encryptFinal: final('EVP_EncryptFinal_ex'),
    decryptInit: init('EVP_DecryptInit_ex'),
    decryptUpdate: update('EVP_DecryptUpdate'),
    decryptFinal: final('EVP_DecryptFinal_ex'),
  };
}
