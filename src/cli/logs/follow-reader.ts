/**
 * The reading half of `tmon logs follow`: new lines of the followed files →
 * parsed → events with their line ids → batches in the spool, then the offset
 * state. A batch is cut at 1,000 events, else at most every 200 ms: a line
 * appended to a quiet log leaves at once, a busy log's lines leave together.
 * The state is saved after the batch holding its lines is in the spool, where
 * it waits until tmon acknowledges it: a restart neither skips a line nor
 * needs to read one again.
 */
import { lineId } from '../../logs/line-id.js';
import { isLogRefusal, type LineParser, type LogRefusal } from '../../logs/log-record.js';
import type { OutgoingEvent } from './batch-sender.js';
import { type FollowPositions, saveFollowState } from './follow-state.js';
import { logEventJson } from './log-event.js';
import type { Spool } from './spool.js';
import type { FileTail, TailPosition } from './tail/file-tail.js';
import { type PathChanges, POLL_INTERVAL_MS } from './tail/path-changes.js';

/** the shared batch size: far under collect's 10,000 events and 8 MiB */
export const BATCH_EVENTS = 1_000;
/** batches smaller than BATCH_EVENTS are cut at most this often: with the send, well within the dashboard's second */
export const FLUSH_AFTER_MS = 200;

export interface FollowReaderOptions {
  readonly tails: readonly FileTail[];
  readonly parseLine: LineParser;
  readonly spool: Spool;
  readonly stateFile: string;
  readonly savedPositions: FollowPositions;
  readonly changes: PathChanges;
  readonly onRefusedLine: (file: string, offset: number, refusal: LogRefusal) => void;
  readonly now?: () => number;
}

export class FollowReader {
  linesRead = 0;
  eventsSpooled = 0;
  private pending: OutgoingEvent[] = [];
  /** whether lines were read since the state was saved; the start counts, so the first positions are saved at once */
  private unsaved = true;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private readonly positions: Map<string, TailPosition>;
  private readonly now: () => number;

  constructor(private readonly options: FollowReaderOptions) {
    this.now = options.now ?? Date.now;
    this.positions = new Map(options.savedPositions);
  }

  /** Reads until `stopping` is set, then puts what it read in the spool and saves the state. */
  async run(stopping: AbortSignal): Promise<void> {
    const { changes, spool } = this.options;
    while (!stopping.aborted) {
      if (spool.full) {
        await changes.wait(POLL_INTERVAL_MS, stopping);
        continue;
      }
      const linesRead = await this.readTails();
      const sinceCut = this.now() - this.lastCutAt;
      if (this.unsaved && (this.pending.length >= BATCH_EVENTS || sinceCut >= FLUSH_AFTER_MS)) {
        await this.cut();
      } else if (linesRead === 0) {
        await changes.wait(this.unsaved ? FLUSH_AFTER_MS - sinceCut : POLL_INTERVAL_MS, stopping);
      }
    }
    if (!spool.full) await this.readTails();
    await this.cut();
  }

  private async readTails(): Promise<number> {
    let linesRead = 0;
    for (const tail of this.options.tails) {
      const room = BATCH_EVENTS - this.pending.length;
      if (room <= 0) break;
      const lines = await tail.read(room);
      for (const line of lines) {
        const result = this.options.parseLine(line.text);
        if (isLogRefusal(result)) {
          this.options.onRefusedLine(tail.path, line.offset, result);
          continue;
        }
        const json = logEventJson(result, lineId(line.firstLine, line.offset));
        this.pending.push({ json, line: { source: tail.path, line: line.offset } });
      }
      linesRead += lines.length;
    }
    if (linesRead > 0) {
      this.linesRead += linesRead;
      this.unsaved = true;
    }
    return linesRead;
  }

  /** The pending events into the spool, then every file's position into the state file. */
  private async cut(): Promise<void> {
    if (!this.unsaved) return;
    // taken between two reads: every line before these positions is in this batch or an earlier one
    for (const tail of this.options.tails) {
      const position = tail.position();
      if (position !== null) this.positions.set(tail.path, position);
    }
    if (this.pending.length > 0) {
      await this.options.spool.put(this.pending);
      this.eventsSpooled += this.pending.length;
      this.pending = [];
    }
    await saveFollowState(this.options.stateFile, this.positions);
    this.unsaved = false;
    this.lastCutAt = this.now();
  }
}
