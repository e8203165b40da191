/**
 * The supervisor digest of the evidence measurement (DESIGN.md 6.4): a digest
 * of a file tree that depends only on its content. Each regular file is
 * `{ path, mode, sha256 }` (path relative, `/`-separated; mode the permission
 * bits; sha256 lowercase hex), sorted by path; the digest is
 * `sha256:` + SHA-256 of the RFC 8785 canonical JSON of
 * `{ version: 1, files: [...] }`. Directories are implied by the paths.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalize } from '../../attest/index.js';

/** One file of a tree, as the digest sees it. */
export interface TreeFile {
  readonly path: string;
  readonly mode: number;
  readonly sha256: string;
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** The digest of a list of files (see the file comment). */
export function digestOf(files: readonly TreeFile[]): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const doc = canonicalize({ version: 1, files: sorted.map((f) => ({ path: f.path, mode: f.mode, sha256: f.sha256 })) });
  return `sha256:${createHash('sha256').update(doc).digest('hex')}`;
}

/**
 * The digest of the tree at `root` as it is on disk. A symlink or special file
 * in it is a TypeError: a staged supervisor holds regular files only.
 */
export async function treeDigest(root: string): Promise<string> {
  const files: TreeFile[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(root, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(join(root, path));
      if (st.isDirectory()) await visit(path);
      else if (st.isFile()) files.push({ path, mode: st.mode & 0o777, sha256: await sha256File(join(root, path)) });
      else throw new TypeError(`${path} in ${root} is not a regular file or directory`);
    }
  };
  await visit('');
  return digestOf(files);
}
