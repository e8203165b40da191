import { PkiError } from './errors.js';
import { canonicalSerial } from './serial.js';

// Revocation of node certificates, by serial. A plain in-memory value: the
// gateway persists it (toJSON / fromJSON) and passes it, or anything with a
// `lookup`, to verifyNodeCertificate on every connection. Revocation is
// permanent (no certificateHold) and takes effect as soon as it is listed.

/** RFC 5280 §5.3.1 CRLReason names sealgate uses (no holds: revocation is final). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** Why and when a certificate was revoked. */
export interface RevocationEntry {
  readonly reason: RevocationReason;
  readonly time: Date;
}

/** Anything that can say whether a serial is revoked; RevocationList is one. */
export interface RevocationSource {
  lookup(serial: string): RevocationEntry | undefined;
}

/** The serialised form of a RevocationList, sorted by serial. */
export interface RevocationListJson {
  readonly version: 1;
  readonly entries: readonly { serial: string; reason: RevocationReason; time: string }[];
}

const isReason = (value: unknown): value is RevocationReason =>
  (REVOCATION_REASONS as readonly unknown[]).includes(value);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const malformed = (why: string): PkiError =>
  new PkiError('PKI_REVOCATION_LIST_MALFORMED', `revocation list: ${why}`);

/** A set of revoked serials (canonical lowercase hex), each with its reason and time. */
export class RevocationList implements RevocationSource {
  readonly #entries = new Map<string, { reason: RevocationReason; time: number }>();

  /** Reads a serialised list; any deviation from the shape is PKI_REVOCATION_LIST_MALFORMED. */
  static fromJSON(value: unknown): RevocationList {
    if (typeof value !== 'object' || value === null) throw malformed('not an object');
    const { version, entries } = value as Record<string, unknown>;
    if (version !== 1) throw malformed('unsupported version');
    if (!Array.isArray(entries)) throw malformed('entries is not an array');
    const list = new RevocationList();
    entries.forEach((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null) throw malformed(`entries[${i}] is not an object`);
      const { serial, reason, time } = entry as Record<string, unknown>;
      if (typeof serial !== 'string' || canonicalSerial(serial) !== serial) {
        throw malformed(`entries[${i}].serial is not canonical hex`);
      }
      if (!isReason(reason)) throw malformed(`entries[${i}].reason is not a known reason`);
      const ms = typeof time === 'string' && ISO_TIME.test(time) ? Date.parse(time) : NaN;
      if (Number.isNaN(ms)) throw malformed(`entries[${i}].time is not an ISO 8601 UTC time`);
      if (list.#entries.has(serial)) throw malformed(`entries[${i}].serial is listed twice`);
      list.#entries.set(serial, { reason, time: ms });
    });
    return list;
  }

  /** The number of revoked serials. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Revokes `serial` (hex). Returns false, changing nothing, when it was
   * already revoked: the first reason and time stand.
   */
  revoke(serial: string, entry: RevocationEntry): boolean {
    const canonical = canonicalSerial(serial);
    if (canonical === undefined) throw new TypeError('serial must be hex of at most 21 octets');
    if (!isReason(entry.reason)) throw new TypeError(`unknown revocation reason: ${String(entry.reason)}`);
    if (!(entry.time instanceof Date) || Number.isNaN(entry.time.getTime())) {
      throw new TypeError('time must be a valid Date');
    }
    if (this.#entries.has(canonical)) return false;
    this.#entries.set(canonical, { reason: entry.reason, time: entry.time.getTime() });
    return true;
  }

  /** The revocation of `serial`, or undefined when it is not revoked (or not a serial). */
  lookup(serial: string): RevocationEntry | undefined {
    const canonical = canonicalSerial(serial);
    const found = canonical === undefined ? undefined : this.#entries.get(canonical);
    return found === undefined ? undefined : { reason: found.reason, time: new Date(found.time) };
  }

  /** The list as plain JSON data, entries sorted by serial, times in ISO 8601 UTC. */
  toJSON(): RevocationListJson {
    const serials = [...this.#entries.keys()].sort();
    return {
      version: 1,
      entries: serials.map((serial) => {
        const { reason, time } = this.#entries.get(serial)!;
        return { serial, reason, time: new Date(time).toISOString() };
      }),
    };
  }
}
