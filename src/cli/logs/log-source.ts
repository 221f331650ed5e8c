/**
 * The inputs of `tmon logs import`: files by path, or `-` for stdin. Each can
 * be read twice — first its head, to put the sources in time order, then the
 * whole of it. A file is simply opened again; stdin cannot be, so what its
 * first read took is kept and given again before the rest of it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CommandFailed, UsageError } from '../args.js';

export interface LogSource {
  /** as the user wrote it (`stdin` for `-`): how the summary names it */
  readonly name: string;
  /** bytes on disk, for the progress bar's share; null for a stream */
  readonly size: number | null;
  /** modification time in ms; null for stdin */
  readonly mtimeMs: number | null;
  /** its first raw bytes (still gzipped if it is), for a look that stops early */
  head(): AsyncIterable<Buffer>;
  /** all its raw bytes, from the start; once */
  open(): AsyncIterable<Buffer>;
}

/** one read of a file: few enough reads per second that their cost vanishes next to parsing */
const READ_CHUNK_BYTES = 256 * 1024;

/** `stdin` is asked for only when `-` is among the paths: a command without it leaves stdin untouched. */
export async function openLogSources(
  paths: readonly string[],
  stdin: () => NodeJS.ReadableStream,
): Promise<LogSource[]> {
  if (paths.length === 0) throw new UsageError('name at least one log file (or - for stdin)');
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  return Promise.all(paths.map((p) => (p === '-' ? streamSource('stdin', stdin(), null) : fileSource(p))));
}

async function fileSource(path: string): Promise<LogSource> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CommandFailed(`cannot read ${path}: ${(error as Error).message}`);
  }
  const read = () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  // a pipe (`<(zcat old.log.gz)`) gives its bytes once, as stdin does
  if (info.isFIFO()) return streamSource(path, read(), info.mtimeMs);
  if (!info.isFile()) throw new CommandFailed(`cannot read ${path}: not a file`);
  return { name: path, size: info.size, mtimeMs: info.mtimeMs, head: read, open: read };
}

/** A stream read once: what head() took is kept and given again by open(), before the rest. */
function streamSource(name: string, stream: NodeJS.ReadableStream, mtimeMs: number | null): LogSource {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const taken: Buffer[] = [];
  const next = async (): Promise<Buffer | null> => {
    const result = await iterator.next();
    if (result.done) return null;
    return typeof result.value === 'string' ? Buffer.from(result.value) : result.value;
  };
  return {
    name,
    size: null,
    mtimeMs,
    // generators that stop early must leave the stream open for open(): they call next(), never return()
    async *head() {
      yield* taken;
      for (let chunk = await next(); chunk !== null; chunk = await next()) {
        taken.push(chunk);
        yield chunk;
      }
    },
    async *open() {
      yield* taken.splice(0);
      for (let chunk = await next(); chunk !== null; chunk = await next()) yield chunk;
    },
  };
}
