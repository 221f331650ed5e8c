/**
 * tmon logs follow: sends each line appended to access logs as an event, as
 * `tail -F` would show it, surviving rotation, truncation, files that appear
 * later, its own restarts (the offset state file) and a tmon that cannot be
 * reached for a while (the spool). Reading and sending run side by side: the
 * reader fills the spool, the sender empties it.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LineParser, LogRefusal } from '../../logs/log-record.js';
import { CommandFailed, parse, UsageError } from '../args.js';
import { senderEnvironment } from '../sender-environment.js';
import { followLocations } from './follow-locations.js';
import { lockFollowState } from './follow-lock.js';
import { FollowReader } from './follow-reader.js';
import { loadFollowState } from './follow-state.js';
import { LOGS_OPTIONS, logLineParser, logsTarget } from './logs-options.js';
import { MAX_SPOOL_BYTES, Spool } from './spool.js';
import { sendSpooled } from './spool-sender.js';
import { FileTail } from './tail/file-tail.js';
import { PathChanges } from './tail/path-changes.js';

export const FOLLOW_USAGE = `tmon logs follow FILE… [--server URL] [--token T] [--format F] [--forwarded-for] [--state FILE] [--spool DIR]
    sends each line appended to the access logs FILE… as an event within a second, like tail -F: follows
    rotation by rename and copytruncate, and files that appear later; starts at the end of a file that is
    already there (send its past with tmon logs import: the line ids keep any line from being stored twice)
    --state FILE  where it notes how far each file was sent, to carry on after a restart
                  (default: $XDG_STATE_HOME/tmon/follow-<hash of the files' paths>.json); one follower per state file
    --spool DIR   where batches wait while tmon cannot be reached (default: beside the state file);
                  at ${MAX_SPOOL_BYTES / 1024 / 1024} MiB it stops reading until tmon answers, and the lines wait in the logs
    stops on SIGINT or SIGTERM after saving its state, sending what it read for up to 5 s more`;

/** after a stop signal, how long the sender may go on emptying the spool; what is left waits for the next run */
const SHUTDOWN_SENDING_MS = 5_000;
/** refused lines printed per reason; the rest are counted in the summary */
const REFUSALS_SHOWN_PER_REASON = 3;

export async function followCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    ...LOGS_OPTIONS,
    state: { type: 'string' },
    spool: { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('name the access log files to follow');
  if (positionals.includes('-'))
    throw new UsageError('follow reads files; to send standard input use tmon logs import -');
  const target = logsTarget(values);
  const parseLine = logLineParser(values);
  const files = [...new Set(positionals.map((file) => path.resolve(file)))];
  const { stateFile, spoolDirectory } = followLocations(
    files,
    { state: values.state, spool: values.spool },
    senderEnvironment().stateHome,
  );
  const lock = await whereItMayWrite('--state', stateFile, async () => {
    await mkdir(path.dirname(stateFile), { recursive: true, mode: 0o700 });
    return lockFollowState(stateFile);
  });
  try {
    await follow({ files, target, parseLine, stateFile, spoolDirectory });
  } finally {
    await lock.release();
  }
}

interface FollowRun {
  files: string[];
  target: ReturnType<typeof logsTarget>;
  parseLine: LineParser;
  stateFile: string;
  spoolDirectory: string;
}

/** Follows with the state file locked: reads into the spool and sends from it until a stop signal. */
async function follow({ files, target, parseLine, stateFile, spoolDirectory }: FollowRun): Promise<void> {
  const savedPositions = await loadFollowState(stateFile);
  const spool = await whereItMayWrite('--spool', spoolDirectory, () => Spool.open(spoolDirectory));
  const report = (message: string) => process.stderr.write(`tmon logs follow: ${message}\n`);
  const refusals = new RefusalCounter(report);
  let eventsStored = 0;

  const tails = files.map((file) => new FileTail(file, { resume: savedPositions.get(file), startAtEnd: true }));
  const changes = new PathChanges(files, (directory, error) =>
    report(`not watching ${directory} (${error.message}); looking at it every 250 ms instead`),
  );
  const reader = new FollowReader({
    tails,
    parseLine,
    spool,
    stateFile,
    savedPositions,
    changes,
    onRefusedLine: (file, offset, refusal) => refusals.line(file, offset, refusal),
  });
  const stopping = new AbortController();
  const readerDone = new AbortController();
  const deadline = new AbortController();
  let deadlineTimer: NodeJS.Timeout | undefined;
  const onSignal = () => {
    // a second signal: stop sending at once (the spool keeps what is left)
    if (stopping.signal.aborted) deadline.abort();
    stopping.abort();
    deadlineTimer ??= setTimeout(() => deadline.abort(), SHUTDOWN_SENDING_MS);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  report(
    `following ${files.join(', ')} for ${target.server} (state ${stateFile}, spool ${spoolDirectory}` +
      `${spool.batchCount > 0 ? `, ${counted(spool.batchCount, 'batch', 'batches')} waiting from before` : ''})`,
  );
  try {
    const reading = reader.run(stopping.signal).finally(() => readerDone.abort());
    const sending = sendSpooled(
      spool,
      {
        ...target,
        report,
        onRefusedEvent: (refusal) => refusals.event(refusal.line.source, refusal.line.line, refusal.message),
        onStored: (accepted) => {
          eventsStored += accepted;
        },
      },
      { stopping: readerDone.signal, deadline: deadline.signal },
    );
    // whichever half fails stops the other: a reader without a sender would only fill the spool
    const outcomes = await Promise.allSettled([
      reading.catch((error: unknown) => {
        deadline.abort();
        throw error;
      }),
      sending.catch((error: unknown) => {
        stopping.abort();
        deadline.abort();
        throw error;
      }),
    ]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    clearTimeout(deadlineTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    changes.close();
    for (const tail of tails) await tail.close();
    const waiting =
      spool.batchCount > 0
        ? `; left for the next run in ${spoolDirectory}: ${counted(spool.batchCount, 'batch', 'batches')}`
        : '';
    report(
      `stopped: ${counted(reader.linesRead, 'line')} read, ${counted(eventsStored, 'event')} stored${refusals.summary()}${waiting}`,
    );
  }
}

/** Refused lines and events: the first few of each reason printed where they are, all of them counted. */
class RefusalCounter {
  private readonly byReason = new Map<string, number>();

  constructor(private readonly report: (message: string) => void) {}

  line(file: string, offset: number, refusal: LogRefusal): void {
    this.count(
      refusal.refused,
      () => `${file}, byte ${offset}: line not sent (${refusal.refused}): ${refusal.message}`,
    );
  }

  event(file: string, offset: number, message: string): void {
    this.count('refused_by_tmon', () => `${file}, byte ${offset}: tmon refused the event: ${message}`);
  }

  summary(): string {
    if (this.byReason.size === 0) return '';
    const total = [...this.byReason.values()].reduce((sum, count) => sum + count, 0);
    const reasons = [...this.byReason].map(([reason, count]) => `${reason} ${count}`).join(', ');
    return `, ${total} lines not sent (${reasons})`;
  }

  private count(reason: string, message: () => string): void {
    const count = (this.byReason.get(reason) ?? 0) + 1;
    this.byReason.set(reason, count);
    if (count <= REFUSALS_SHOWN_PER_REASON) this.report(message());
    if (count === REFUSALS_SHOWN_PER_REASON + 1) this.report(`more lines refused as ${reason}: counted, not shown`);
  }
}

function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** no right to write there, a read-only file system, a file where a directory should be */
const PLACE_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST']);

/** A state or spool place the follower may not use is said in words, with the option that chooses another. */
async function whereItMayWrite<T>(option: string, place: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!PLACE_ERRORS.has(code ?? '')) throw error;
    throw new CommandFailed(`cannot use ${place} (${(error as Error).message}): choose another place with ${option}`);
  }
}
