/**
 * The key-release audit log (sublevel `releases`): append-only, keyed by
 * time-sortable ids, read newest first in pages whose cursor is the last id
 * seen (like every list in the gateway, docs/gateway.md).
 */
import type { Store } from '../store/index.js';
import type { ReleaseRecord } from './records.js';
import { RELEASES_SUBLEVEL } from './records.js';

/** A page of the audit log. */
export interface AuditPage {
  readonly items: ReleaseRecord[];
  /** The cursor of the next page, or null at the end. */
  readonly next: string | null;
}

/** Up to `limit` records older than `cursor`, newest first; only run `run`'s when given. */
export async function auditPage(
  store: Store,
  limit: number,
  cursor?: string,
  run?: string,
): Promise<AuditPage> {
  const sub = store.sublevel(RELEASES_SUBLEVEL);
  const items: ReleaseRecord[] = [];
  let more = false;
  for await (const value of sub.values(
    cursor === undefined ? { reverse: true } : { reverse: true, lt: cursor },
  )) {
    const record = value as ReleaseRecord;
    if (run !== undefined && record.runId !== run) continue;
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(record);
  }
  return { items, next: more ? (items[items.length - 1]?.id ?? null) : null };
}
