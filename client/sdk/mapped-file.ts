/**
 * A file mapped read-only into memory (POSIX `mmap(2)`, called with koffi),
 * for the envelope's encrypt path: AES reads the plaintext straight from the
 * page cache, where `read(2)` first copies every byte into a buffer of ours
 * (an eighth of the CPU of `sealgate dataset encrypt` on 1 GiB, by `perf`;
 * docs/envelope.md, "the file path").
 *
 * Memory safety rests on this file and its one caller (envelope-file.ts): the
 * mapping is exactly the size the caller read with `fstat`; pages already
 * consumed are dropped with `madvise(MADV_DONTNEED)`, which keeps them mapped
 * (a late read faults them in again from the file, it never touches unmapped
 * memory), and `unmap` runs only once no chunk operation still reads the
 * mapping. A file truncated by another process while it is mapped raises
 * SIGBUS on the next read past its new end, which ends the process; the
 * output, written beside its target and renamed only on success, is then a
 * stray temporary file of ciphertext, never a wrong envelope.
 */
import type { LibraryHandle } from 'koffi';

/** <sys/mman.h> on Linux x64 (other systems get no mapping and read the file instead). */
const PROT_READ = 0x1;
const MAP_PRIVATE = 0x2;
const MADV_DONTNEED = 4;
/** `(void *) -1`, mmap's failure. */
const MAP_FAILED = 0xffffffffffffffffn;

interface Libc {
  readonly address: (ptr: unknown) => bigint;
  readonly view: (ptr: unknown, length: number) => ArrayBuffer;
  readonly pageSize: number;
  readonly mmap: (
    addr: null,
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset: number,
  ) => unknown;
  readonly munmap: (addr: unknown, length: number) => number;
  /** madvise with the address as an integer: the pages dropped are inside a mapping of ours. */
  readonly madvise: (addr: number, length: number, advice: number) => number;
}

/** A read-only mapping of a whole file. */
export interface MappedFile {
  /** The file's bytes, valid until {@link MappedFile.unmap}. */
  readonly bytes: Uint8Array;
  /**
   * Drop the whole pages before `offset` from this process's resident memory:
   * call it once everything before `offset` is consumed. They stay mapped.
   */
  drop(offset: number): void;
  /** Unmap. Call it only when nothing reads `bytes` any more, and use `bytes` no more. */
  unmap(): void;
}

let bound: Promise<Libc | undefined> | undefined;

/** libc's mmap, madvise and munmap, bound once; undefined where they cannot be. */
function libc(): Promise<Libc | undefined> {
  bound ??= bind().catch(() => undefined);
  return bound;
}

async function bind(): Promise<Libc | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const koffi = (await import('koffi')).default;
  const lib: LibraryHandle = koffi.load(null);
  const pageSize = (lib.func('int getpagesize()') as () => number)();
  if (!Number.isInteger(pageSize) || pageSize <= 0) return undefined;
  return {
    address: (ptr) => koffi.address(ptr),
    view: (ptr, length) => koffi.view(ptr, length),
    pageSize,
    mmap: lib.func(
      'void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)',
    ) as Libc['mmap'],
    munmap: lib.func('int munmap(void *addr, size_t length)') as Libc['munmap'],
    madvise: lib.func('int madvise(uintptr_t addr, size_t length, int advice)') as Libc['madvise'],
  };
}

/**
 * Map the `size` bytes of the open file `fd` read-only, or undefined where
 * mapping is not possible (an empty file, another platform, mmap refused):
 * the caller then reads the file instead.
 */
export async function mapFile(fd: number, size: number): Promise<MappedFile | undefined> {
  if (!Number.isSafeInteger(size) || size <= 0) return undefined;
  const c = await libc();
  if (c === undefined) return undefined;
  const ptr = c.mmap(null, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (ptr === null || c.address(ptr) === MAP_FAILED) return undefined;
  const base = Number(c.address(ptr));
  let dropped = 0;
  let mapped = true;
  return {
    bytes: new Uint8Array(c.view(ptr, size)),
    drop(offset) {
      const end = Math.min(size, Math.floor(offset / c.pageSize) * c.pageSize);
      if (!mapped || end <= dropped) return;
      // Advice only: a failure leaves the pages resident, which is slower, never wrong.
      c.madvise(base + dropped, end - dropped, MADV_DONTNEED);
      dropped = end;
    },
    unmap() {
      if (!mapped) return;
      mapped = false;
      c.munmap(ptr, size);
    },
  };
}
