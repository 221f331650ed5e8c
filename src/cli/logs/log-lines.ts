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
  /** bytes before the chunk being read */
  let chunkStart = 0;
  for await (const chunk of content) {
    const firstNewline = chunk.indexOf(NEWLINE);
    if (firstNewline === -1) {
      partial.push(chunk);
      partialBytes += chunk.length;
      chunkStart += chunk.length;
      if (partialBytes > MAX_LINE_BYTES) throw new LineTooLong(chunkStart - partialBytes);
      continue;
    }
    const lines: SourceLine[] = [];
    let wholeLinesStart = 0;
    if (partialBytes > 0) {
      // only the line that spans the chunks is copied together
      const spanning = Buffer.concat([...partial, chunk.subarray(0, firstNewline)]);
      fileHash ??= firstLineHash(spanning, true) as string;
      lines.push({ text: lineText(spanning, 0, spanning.length), offset: chunkStart - partialBytes });
      partial = [];
      partialBytes = 0;
      wholeLinesStart = firstNewline + 1;
    } else {
      fileHash ??= firstLineHash(chunk.subarray(0, firstNewline), true) as string;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (wholeLinesStart <= lastNewline) addWholeLines(chunk, wholeLinesStart, lastNewline, chunkStart, lines);
    if (lastNewline + 1 < chunk.length) {
      partial.push(chunk.subarray(lastNewline + 1));
      partialBytes = chunk.length - lastNewline - 1;
    }
    chunkStart += chunk.length;
    yield { fileHash: fileHash as string, lines };
  }
  if (partialBytes > 0) {
    const rest = Buffer.concat(partial);
    fileHash ??= firstLineHash(rest, true) as string;
    yield { fileHash, lines: [{ text: lineText(rest, 0, rest.length), offset: chunkStart - partialBytes }] };
  }
}

/**
 * The lines of chunk[start, end), `end` being the last newline: decoded as
 * one string, each line a slice of it (no copy) when every byte is one
 * character, as in a log of ASCII, where a character's index is its byte's.
 */
function addWholeLines(chunk: Buffer, start: number, end: number, chunkStart: number, lines: SourceLine[]): void {
  const text = chunk.toString('utf8', start, end);
  if (text.length !== end - start) {
    for (let position = start; position <= end; ) {
      const newline = chunk.indexOf(NEWLINE, position);
      lines.push({ text: lineText(chunk, position, newline), offset: chunkStart + position });
      position = newline + 1;
    }
    return;
  }
  for (let position = 0; position <= text.length; ) {
    let newline = text.indexOf('\n', position);
    if (newline === -1) newline = text.length;
    const last = newline > position && text.charCodeAt(newline - 1) === CARRIAGE_RETURN ? newline - 1 : newline;
    lines.push({ text: text.slice(position, last), offset: chunkStart + start + position });
    position = newline + 1;
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
