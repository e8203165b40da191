import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobLookup } from './lookup.js';

/** Blob sizes straight from the blob store's layout, `DIR/sha256/<2 hex>/<64 hex>`. */
export function fileBlobLookup(dir: string): BlobLookup {
  return {
    async stat(digest) {
      const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
      if (!hex) return undefined;
      try {
        return { size: (await stat(join(dir, 'sha256', hex.slice(0, 2), hex))).size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
