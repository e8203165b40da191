/**
 * The RFC 8785 canonical JSON of an entry body as `commit` builds it,
 * written out for the entry's fixed shape instead of walked generically.
 * The generic canonicaliser (attest `canonicalizeBytes`) sorts every
 * object's names and checks every value on each call; at commit the shape is
 * known and every string was already checked for lone surrogates (validate.ts),
 * so this only has to emit the members in their sorted order. `verify` keeps
 * using the generic one, and a test compares the two on random entries.
 */
import { createHash } from 'node:crypto';
import type { EntryBody } from './codec.js';

// RFC 8785 section 3.2.2.2: a well-formed string is serialised as ECMAScript JSON.stringify does.
const str = JSON.stringify;

// RFC 8785 section 3.2.3: members sorted by UTF-16 code units, which is what the default sort compares.
function metaJson(meta: Readonly<Record<string, string>>): string {
  const names = Object.keys(meta).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${str(names[i])}:${str(meta[names[i]])}`;
  }
  return `${out}}`;
}

/**
 * The canonical JSON of `body`, which must come from a validated commit:
 * `seq` and `group` safe integers, strings without lone surrogates, and no
 * fields but the entry's. The members in RFC 8785 order are group, key,
 * kind, memo, meta, postings (account, amount), prevHash, ref, seq, time.
 */
export function entryBodyJson(body: EntryBody): string {
  let out = `{"group":${body.group},"key":${str(body.key)},"kind":${str(body.kind)}`;
  if (body.memo !== undefined) out += `,"memo":${str(body.memo)}`;
  if (body.meta !== undefined) out += `,"meta":${metaJson(body.meta)}`;
  out += ',"postings":[';
  const postings = body.postings;
  for (let i = 0; i < postings.length; i++) {
    if (i > 0) out += ',';
    out += `{"account":${str(postings[i].account)},"amount":${str(postings[i].amount)}}`;
  }
  out += `],"prevHash":${str(body.prevHash)}`;
  if (body.ref !== undefined) out += `,"ref":${str(body.ref)}`;
  return `${out},"seq":${body.seq},"time":${str(body.time)}}`;
}

/** SHA-256 (hex, node:crypto) of {@link entryBodyJson}: the entry hash of docs/ledger.md section 3. */
export function committedEntryHash(body: EntryBody): string {
  return createHash('sha256').update(entryBodyJson(body), 'utf8').digest('hex');
}
