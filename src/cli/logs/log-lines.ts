/**
 * An access log's bytes → its lines, each with where it starts in the
 * decompressed content (the second half of its line id), in slices of one
 * read each so the caller pays no await per line. Gzip is recognised by its
 * first two bytes (1f 8b), whatever the name: `access.log.2.gz`, a .gz
 * renamed, or gzipped data on stdin.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { firstLineHash } from '../../logs/line-id.js';

export interface SourceLine {
  /** without its line break (a trailing \r is dropped too) */
  readonly text: string;
  /** bytes before it in the decompressed content */
  readonly offset: number;
}

export interface LineSlice {
  /** the file's half of the line ids: the hash of its first line */
  readonly fileHash: string;
  readonly lines: SourceLine[];
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** a "line" this long is no access log (a binary file, a log without line breaks): said instead of filling memory */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** gunzip's output slices: large enough that the per-slice costs vanish, small enough for a smooth progress bar */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** The content, gunzipped when it starts with gzip's magic bytes (all concatenated members of it). */
export async function* decompressed(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < GZIP_MAGIC.length) {
      const next = await iterator.next();
      if (next.done) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    const whole = async function* (): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    };
    if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
      yield* whole();
      return;
    }
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    const piping = pipeline(Readable.from(whole()), gunzip);
    // A read or gunzip error reaches the loop below as well (pipeline destroys gunzip with it) and is thrown
    // there; a reader that stops early ends the pipeline with a "premature close" nobody needs to hear of.
    piping.catch(() => undefined);
    yield* gunzip;
    await piping;
  } finally {
    // a reader that stops early (the look at a file's head) must not leave the file open
    await iterator.return?.();
  }
}

/** The lines of the content, one slice per chunk read; the last line counts even without a final newline. */
export async function* lineSlices(content: AsyncIterable<Buffer>): AsyncGenerator<LineSlice> {
  let fileHash: string | null = null;
  // the line being read, still without its newline: kept as parts so a long line costs no repeated copying
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let lineStart = 0;
  for await (const chunk of content) {
    const firstNewline = chunk.indexOf(NEWLINE);
    if (firstNewline === -1) {
      partial.push(chunk);
      partialBytes += chunk.length;
      if (partialBytes > MAX_LINE_BYTES) throw new LineTooLong(lineStart);
      continue;
    }
    const buffer = partial.length === 0 ? chunk : Buffer.concat([...partial, chunk]);
    const bufferStart = lineStart;
    partial = [];
    partialBytes = 0;
    const lines: SourceLine[] = [];
    let position = 0;
    for (let newline = buffer.indexOf(NEWLINE); newline !== -1; newline = buffer.indexOf(NEWLINE, position)) {
      if (fileHash === null) fileHash = firstLineHash(buffer.subarray(0, newline), true) as string;
      lines.push({ text: lineText(buffer, position, newline), offset: bufferStart + position });
      position = newline + 1;
    }
    if (position < buffer.length) {
      partial.push(buffer.subarray(position));
      partialBytes = buffer.length - position;
    }
    lineStart = bufferStart + position;
    yield { fileHash: fileHash as string, lines };
  }
  if (partialBytes > 0) {
    const rest = Buffer.concat(partial);
    fileHash ??= firstLineHash(rest, true) as string;
    yield { fileHash, lines: [{ text: lineText(rest, 0, rest.length), offset: lineStart }] };
  }
}

function lineText(buffer: Buffer, start: number, end: number): string {
  const last = end > start && buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  return buffer.toString('utf8', start, last);
}

/** The content holds a line longer than MAX_LINE_BYTES. */
export class LineTooLong extends Error {
  override name = 'LineTooLong';
  constructor(readonly offset: number) {
    super(
      `a line starting at byte ${offset} is longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB: is this an access log?`,
    );
  }
}
