/**
 * The id each access-log line is sent with: `l1-<file>-<offset>`, where
 * <file> is the first 16 hex digits of the SHA-256 of the file's first line
 * and <offset> is where the line starts in the file's decompressed content.
 * The same line therefore gets the same id however it is read again: an
 * interrupted import run anew, `access.log` renamed to `access.log.1` and
 * gzipped to `access.log.2.gz`, a follow that restarts. tmon stores an id once
 * per service, so none of these stores a line twice.
 *
 * The first LINE names the file, not its first bytes: a freshly rotated log
 * grows, and its first 1024 bytes change until it holds that much, while its
 * first complete line does not.
 */
import { createHash } from 'node:crypto';

/** a first line longer than this is named by its first 1024 bytes: enough to tell files apart */
export const FIRST_LINE_BYTES = 1024;

const NEWLINE = 0x0a;

/**
 * The file's half of its line ids, from the first bytes of its decompressed
 * content (at least FIRST_LINE_BYTES of it, or all of it). Null while the
 * first line is incomplete: no newline in fewer than FIRST_LINE_BYTES bytes
 * and `atEnd` false (the writer may still add to it). At the end of the
 * content, what there is counts as the first line.
 */
export function firstLineHash(head: Uint8Array, atEnd: boolean): string | null {
  const window = head.subarray(0, FIRST_LINE_BYTES);
  const newline = window.indexOf(NEWLINE);
  if (newline === -1 && window.length < FIRST_LINE_BYTES && !atEnd) return null;
  const firstLine = newline === -1 ? window : window.subarray(0, newline);
  return createHash('sha256').update(firstLine).digest('hex').slice(0, 16);
}

/** The id of the line that starts `offset` bytes into the decompressed content of the file named by `fileHash`. */
export function lineId(fileHash: string, offset: number): string {
  return `l1-${fileHash}-${offset}`;
}
