/**
 * Broker custody's rewrap (DESIGN.md §5 step 6, docs/broker.md step 7): the
 * stored key — a dataset's `key.wrapped`, or a settled run's sealed model key
 * `output.wrappedKey` — opened with the broker's X25519 key and sealed to the
 * container's ephemeral key from its evidence. The plaintext key lives only
 * between the two and is zeroed after. Changes when the key's storage or the
 * sealed box does.
 */
import type { BoxKeyPair, Evidence } from '../../attest/index.js';
import {
  KeywrapError,
  base64ToBytes,
  bytesToBase64,
  unwrapKeyFast,
  wrapKeyFast,
} from '../../attest/index.js';
import { BrokerError } from './errors.js';
import type { ReleaseSubject } from './subject.js';

/** A key sealed to the container's ephemeral key (base64), and its id. */
export interface RewrappedKey {
  readonly wrappedKey: string;
  readonly keyId: string;
}

/**
 * The `which` key of `subject` unwrapped with `brokerKey` and sealed to
 * `evidence.ephemeralPublicKey` (the sealed box of attest/keywrap, fast path).
 * KEY_RELEASE_KEY_UNAVAILABLE when the broker holds no such key or it does not
 * open; KEY_RELEASE_WEAK_KEY when the ephemeral key is refused (small order).
 */
export async function rewrapKey(
  brokerKey: BoxKeyPair,
  subject: ReleaseSubject,
  evidence: Evidence,
  which: 'data' | 'model',
): Promise<RewrappedKey> {
  const source =
    which === 'model'
      ? { wrapped: subject.run.output?.wrappedKey, keyId: subject.run.output?.keyId }
      : { wrapped: subject.dataset.key.wrapped, keyId: subject.dataset.key.keyId };
  const sealed = source.wrapped === undefined ? undefined : base64ToBytes(source.wrapped);
  if (sealed === undefined || source.keyId === undefined) {
    throw new BrokerError('key', 'KEY_RELEASE_KEY_UNAVAILABLE', 'the broker holds no key for this release');
  }
  let key: Uint8Array;
  try {
    key = await unwrapKeyFast(sealed, brokerKey);
  } catch (err) {
    throw new BrokerError(
      'key',
      'KEY_RELEASE_KEY_UNAVAILABLE',
      'the stored key does not open with the broker key',
      {
        cause: err,
      },
    );
  }
  try {
    return {
      wrappedKey: bytesToBase64(await wrapKeyFast(key, evidence.ephemeralPublicKey)),
      keyId: source.keyId,
    };
  } catch (err) {
    if (!(err instanceof KeywrapError)) throw err;
    throw new BrokerError('ephemeral-key', 'KEY_RELEASE_WEAK_KEY', err.message, { cause: err });
  } finally {
    key.fill(0);
  }
}
