/**
 * What the catalog needs to know of blobs: whether one is stored, and its
 * size. The blob store implements it; listings refer to blobs by digest only.
 */
export interface BlobLookup {
  /** The size of blob `digest` (`sha256:<hex>`), or undefined when it is not stored. */
  stat(digest: string): Promise<{ readonly size: number } | undefined>;
}
