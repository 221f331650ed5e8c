/**
 * Reads the complete lines of an open file from a byte offset: a line counts
 * once its newline is written, so a line the web server is still writing is
 * left for the next read instead of being sent in two halves.
 */
import type { FileHandle } from 'node:fs/promises';

/** one read's bytes: far above any access-log line, small enough to keep memory flat on a large backlog */
export const READ_CHUNK_BYTES = 1024 * 1024;

export interface FileLine {
  /** the line without its line break (a trailing \r is dropped too) */
  readonly text: string;
  /** where the line starts in the file: the second half of its id */
  readonly offset: number;
  /** where the next line starts */
  readonly end: number;
}

/**
 * Up to `maxLines` complete lines from `from`, read through `buffer` (the
 * lines are copied out of it). A chunk without any newline is
 * one over-long line: it is returned as it is (the parser refuses it) so that
 * the tail moves on instead of waiting for a newline that fits in no chunk.
 */
export async function readCompleteLines(
  handle: FileHandle,
  from: number,
  maxLines: number,
  buffer: Buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES),
): Promise<FileLine[]> {
  const lines: FileLine[] = [];
  let position = from;
  while (lines.length < maxLines) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1 && lines.length < maxLines) {
      lines.push(fileLine(chunk, start, newline, position, newline + 1));
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start === 0) {
      // the last line is still being written: wait for its newline
      if (bytesRead < buffer.length) break;
      lines.push(fileLine(chunk, 0, bytesRead, position, bytesRead));
      start = bytesRead;
    }
    position += start;
    if (newline === -1 && bytesRead < buffer.length) break;
  }
  return lines;
}

function fileLine(chunk: Buffer, start: number, stop: number, chunkOffset: number, next: number): FileLine {
  const textStop = stop > start && chunk[stop - 1] === 13 ? stop - 1 : stop;
  return { text: chunk.toString('utf8', start, textStop), offset: chunkOffset + start, end: chunkOffset + next };
}

/** Where reading starts in a file that was already there: after its last complete line. */
export async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const length = Math.min(size, READ_CHUNK_BYTES);
  const buffer = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buffer, 0, length, size - length);
  const newline = buffer.subarray(0, bytesRead).lastIndexOf(10);
  return newline === -1 ? (size > length ? size : 0) : size - length + newline + 1;
}
