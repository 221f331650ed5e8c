/** tmon logs import: sends the lines of access logs to tmon as events, with a progress bar and a summary. */
import os from 'node:os';
import path from 'node:path';
import { lineId } from '../../logs/line-id.js';
import { isLogRefusal, type LineParser } from '../../logs/log-record.js';
import { CommandFailed, output, parse } from '../args.js';
import { BatchQueue } from './batch-queue.js';
import { BatchNotSent, sendBatch } from './batch-sender.js';
import { ImportBatch } from './import-batch.js';
import { ImportTally } from './import-summary.js';
import { logEventJson } from './log-event.js';
import { decompressed, LineTooLong, lineSlices } from './log-lines.js';
import { type LogSource, openLogSources } from './log-source.js';
import { LOGS_OPTIONS, logLineParser, logsTarget } from './logs-options.js';
import { Progress } from './progress.js';
import { oldestFirst } from './source-order.js';

export const IMPORT_USAGE = `tmon logs import FILE… [--server URL] [--token T] [--format F] [--forwarded-for] [--json]
    sends every line of the access logs FILE… to tmon as an event: plain files, gzipped ones (told by their
    content, not their name) or - for stdin. Several files are sent oldest first, by the time of their first
    line that can be read (a file without one in its first 1,000 lines: by its modification time).
    --server   where tmon is (default $TMON_SERVER, else http://localhost:8000)
    --token    an ingest token of the service (default $TMON_TOKEN;
               make one with: tmon token add --user NAME --scope ingest --service ID)
    --format   combined (default), common, vhost_combined, json, or the nginx log_format or
               Apache LogFormat string the server writes with
    --forwarded-for  the client is the first address of X-Forwarded-For when the line has one
    A line that cannot be read is counted and named in the summary, and the import goes on. Each line is
    sent with an id made from its file's first line and its place in the file, so importing a file again
    (also after an interruption, or renamed and gzipped by log rotation) stores none of its lines twice.
    It runs at a lower CPU priority (nice 10): on a busy host, tmon and the web server come first.
    Progress goes to stderr, the summary to stdout (--json: as JSON). Exit code 0 when every line was read
    and sent, 1 when tmon refused the token, could not be reached (15 s at the start, 2 minutes once it
    took a first batch) or a file could not be read to its end`;

/**
 * events per request: half of what tmon takes, so fewer requests and commits, while one commit stays short.
 * Safe for the order of the lines because BatchQueue lets the short last batch go only after the ones ahead.
 */
const BATCH_EVENTS = 5_000;
/** JSON bytes per request before it is sent early: half of tmon's 8 MiB limit, for lines with long fields */
const BATCH_BYTES = 4 * 1024 * 1024;
/** three: one being committed, one on the wire, one being parsed; more only queue up inside tmon */
const BATCHES_IN_FLIGHT = 3;
/** a restart of tmon or a short network cut is waited out; longer, and the run stops (run it again: nothing doubles) */
const GIVE_UP_AFTER_MS = 2 * 60_000;
/** until tmon has taken a first batch, a wrong --server (a typo, a port nobody listens on) is said within seconds */
const FIRST_CONTACT_GIVE_UP_MS = 15_000;

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, LOGS_OPTIONS);
  // a batch job: tmon, and the web server whose logs these are, come first on a busy host. On a host it shares
  // with tmon, tmon's writer thread is what limits the import; given the CPU first, it goes ~5 % faster
  // (lowered only: run under a higher nice already, raising it back would need privileges)
  if (os.getPriority() < os.constants.priority.PRIORITY_BELOW_NORMAL) {
    os.setPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
  }
  const target = logsTarget(values);
  const parseLine = logLineParser(values);
  const sources = await oldestFirst(await openLogSources(positionals, () => process.stdin), parseLine);
  const tally = new ImportTally(sources.length);
  const progress = new Progress(process.stderr, totalSize(sources));
  let reached = false;
  const queue = new BatchQueue<ImportBatch>(
    (batch, signal) =>
      sendBatch(batch, {
        ...target,
        signal,
        // the first batch goes alone (BatchQueue), so every later one is sent once tmon has answered
        giveUpAfterMs: reached ? GIVE_UP_AFTER_MS : FIRST_CONTACT_GIVE_UP_MS,
        onRetry: (reason, waitMs) => progress.note(`${reason}; trying again in ${(waitMs / 1000).toFixed(1)} s`),
      }),
    BATCHES_IN_FLIGHT,
    (_batch, result) => {
      reached = true;
      tally.accepted += result.accepted;
      tally.refusedByTmon(result.refused);
    },
  );
  try {
    await readAndSend(sources, parseLine, { tally, queue, progress });
    await queue.finish();
  } catch (error) {
    if (!(error instanceof BatchNotSent)) throw error;
    const rerun = error.kind === 'unreachable' ? '; run the import again later: no line is stored twice' : '';
    throw new CommandFailed(`${error.message}${rerun}`);
  } finally {
    progress.finish();
  }
  output(values.json, tally.toJson(), () => tally.summary());
  if (tally.unreadable.size > 0) {
    throw new CommandFailed(`could not read ${[...tally.unreadable.keys()].join(', ')} to the end`);
  }
}

interface ImportRun {
  tally: ImportTally;
  queue: BatchQueue<ImportBatch>;
  progress: Progress;
}

async function readAndSend(sources: readonly LogSource[], parseLine: LineParser, run: ImportRun): Promise<void> {
  const { tally, queue, progress } = run;
  let batch = new ImportBatch(BATCH_EVENTS);
  let bytesRead = 0;
  for (const source of sources) {
    let lineNumber = 0;
    const raw = countingBytes(source.open(), (bytes) => {
      bytesRead += bytes;
    });
    try {
      for await (const slice of lineSlices(decompressed(raw))) {
        for (const line of slice.lines) {
          lineNumber += 1;
          const record = parseLine(line.text);
          if (isLogRefusal(record)) {
            tally.refuseLine(record.refused, { source: source.name, line: lineNumber });
            continue;
          }
          batch.add(logEventJson(record, lineId(slice.fileHash, line.offset)), source.name, lineNumber);
          if (batch.full || batch.bytes >= BATCH_BYTES) {
            await queue.add(batch);
            batch = new ImportBatch(BATCH_EVENTS, batch.bytes);
          }
        }
        tally.linesRead += slice.lines.length;
        progress.update(tally.linesRead, bytesRead, path.basename(source.name));
      }
    } catch (error) {
      if (!isReadError(error)) throw error;
      // the lines before the damage are sent; the summary and the exit code say the file was not read whole
      tally.unreadable.set(source.name, `${(error as Error).message} (after line ${lineNumber})`);
      progress.note(`could not read ${source.name} to its end: ${(error as Error).message}`);
    }
  }
  if (batch.size > 0) await queue.addLast(batch);
}

/** A file that breaks off (a truncated .gz, a read error, no line breaks): reported, and the next file is read. */
function isReadError(error: unknown): boolean {
  if (error instanceof LineTooLong) return true;
  // zlib's and the file system's errors carry a code (Z_BUF_ERROR, Z_DATA_ERROR, EIO, EACCES…)
  return (
    error instanceof Error && !(error instanceof BatchNotSent) && typeof (error as { code?: unknown }).code === 'string'
  );
}

function totalSize(sources: readonly LogSource[]): number | null {
  let total = 0;
  for (const source of sources) {
    if (source.size === null) return null;
    total += source.size;
  }
  return total;
}

async function* countingBytes(raw: AsyncIterable<Buffer>, count: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of raw) {
    count(chunk.length);
    yield chunk;
  }
}
