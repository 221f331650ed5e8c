/**
 * Reads the hash of an open file's first line (src/logs/line-id.ts), the half
 * of each line id that names the file. It stays the same while the file grows
 * and when it is renamed, and changes when the file is emptied and written
 * anew (copytruncate): that is how a truncation the file has already outgrown
 * is noticed.
 */
import type { FileHandle } from 'node:fs/promises';
import { FIRST_LINE_BYTES, firstLineHash } from '../../../logs/line-id.js';

/** The first line's hash, or null while the file holds no complete first line yet. */
export async function readFirstLineHash(handle: FileHandle): Promise<string | null> {
  const buffer = Buffer.alloc(FIRST_LINE_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, FIRST_LINE_BYTES, 0);
  // a followed file can always grow: an unfinished first line is never taken as the whole of it
  return firstLineHash(buffer.subarray(0, bytesRead), false);
}
