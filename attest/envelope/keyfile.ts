/**
 * The key file a seller keeps beside their datasets: a small JSON document with
 * the data key and its key id, so a damaged or wrong file is caught before any
 * decryption. A bare 32-byte file is accepted too.
 */
import { EnvelopeError } from './errors.js';
import { DATA_KEY_LENGTH, keyId } from './keys.js';
import { bytesToHex as toHex } from '../base-encoding.js';
import { constantTimeEqual } from './bytes.js';

const KIND = 'sealgate-data-key';

/** The key file's JSON document. */
export interface KeyFileDocument {
  readonly kind: typeof KIND;
  readonly version: 1;
  readonly algorithm: 'AES-256-GCM-HKDF-SHA256-STREAM';
  /** The data key, base64. */
  readonly key: string;
  /** Its key id, hex (the id every envelope under it carries). */
  readonly keyId: string;
}

/** The key file text for `dek` (JSON, one line, ending in a newline). */
export function encodeKeyFile(dek: Uint8Array): string {
  const doc: KeyFileDocument = {
    kind: KIND,
    version: 1,
    algorithm: 'AES-256-GCM-HKDF-SHA256-STREAM',
    key: toBase64(dek),
    keyId: toHex(keyId(dek)),
  };
  return JSON.stringify(doc) + '\n';
}

/** Parse a key file's bytes into its data key, checking the key against its id. */
export function parseKeyFile(bytes: Uint8Array): Uint8Array {
  if (bytes.length === DATA_KEY_LENGTH) return bytes.slice();
  let doc: Partial<KeyFileDocument>;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<KeyFileDocument>;
  } catch (cause) {
    throw new EnvelopeError('ENVELOPE_KEY_FILE_INVALID', 'the key file is neither JSON nor 32 raw bytes', {
      cause,
    });
  }
  if (doc === null || typeof doc !== 'object' || doc.kind !== KIND || doc.version !== 1) {
    throw new EnvelopeError('ENVELOPE_KEY_FILE_INVALID', 'the key file is not a sealgate data key');
  }
  const key = typeof doc.key === 'string' ? fromBase64(doc.key) : undefined;
  if (key?.length !== DATA_KEY_LENGTH) {
    throw new EnvelopeError('ENVELOPE_KEY_FILE_INVALID', 'the key file does not hold a 32-byte key');
  }
  const id = new TextEncoder().encode(toHex(keyId(key)));
  if (typeof doc.keyId !== 'string' || !constantTimeEqual(id, new TextEncoder().encode(doc.keyId))) {
    throw new EnvelopeError('ENVELOPE_KEY_FILE_INVALID', 'the key file key does not match its key id');
  }
  return key;
}

/** Base64 (RFC 4648, section 4) with padding. */
function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Decode canonical base64 (RFC 4648, section 4); undefined for anything else. */
function fromBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : undefined;
}
