/**
 * A minimal tar writer for the small images sealgate builds locally with
 * `docker import` (never from a registry): regular files only, no long names.
 */

/** One file of an image made by {@link tarball}. */
export interface TarFile {
  readonly path: string;
  readonly content: string | Uint8Array;
  readonly mode?: number;
}

/**
 * An uncompressed tar archive of `files`, owned by root, each with `mode` (default 0755).
 *
 * POSIX.1-1988 ustar (IEEE Std 1003.1, "pax" Archive/Interchange File Format, ustar Interchange
 * Format): a 512-byte header per file, its data padded to 512 bytes, then two zero blocks.
 */
export function tarball(files: readonly TarFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const data = typeof file.content === 'string' ? Buffer.from(file.content) : Buffer.from(file.content);
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string): void => {
      header.write(value, offset, length, 'ascii');
    };
    const octal = (offset: number, length: number, value: number): void => {
      field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
    };
    if (Buffer.byteLength(file.path) > 100) throw new TypeError(`tar path too long: ${file.path}`);
    field(0, 100, file.path);
    octal(100, 8, file.mode ?? 0o755);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, data.length);
    octal(136, 12, 0);
    field(148, 8, ' '.repeat(8));
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
