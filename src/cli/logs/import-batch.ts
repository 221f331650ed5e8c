/**
 * The events of one import request, kept compact: their JSON written into
 * the request body's bytes as they come (so each event's text dies young and
 * is encoded once, its byte length known for free), and the line each was
 * read from as a number in a typed array (its source's name once per run of
 * events from that source). An imported line thus costs no objects of its
 * own here; a `{source, line}` is made only for an event tmon refuses.
 */
import { type EventBatch, eventList, type LineRef, type OutgoingEvent } from './batch-sender.js';

const HEAD = '{"events":[';
const TAIL = ']}';
/** UTF-8 takes at most 3 bytes per UTF-16 unit */
const MAX_BYTES_PER_UNIT = 3;
/** the body's first buffer when no size is expected; it doubles as needed */
const FIRST_BUFFER_BYTES = 256 * 1024;

interface SourceRun {
  /** index of the run's first event */
  readonly from: number;
  readonly name: string;
}

export class ImportBatch implements EventBatch {
  size = 0;
  /** `{"events":[` and the events' JSON, separated by commas; the closing `]}` is written by body() */
  private buffer: Buffer<ArrayBuffer>;
  private length = 0;
  /** where each event's JSON starts in buffer */
  private readonly starts: Int32Array;
  /** Float64: a file of more than 2^31 lines (some 400 GB) still gets its line numbers right */
  private readonly lines: Float64Array;
  private readonly sources: SourceRun[] = [];

  /** expectedBytes: the previous batch's, so the body is not copied as it grows (~2 MiB for 5,000 combined-log lines) */
  constructor(
    readonly capacity: number,
    expectedBytes = 0,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(FIRST_BUFFER_BYTES, expectedBytes + (expectedBytes >> 3)));
    this.starts = new Int32Array(capacity);
    this.lines = new Float64Array(capacity);
    this.length = this.buffer.write(HEAD, 0, 'latin1');
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** the body's bytes so far */
  get bytes(): number {
    return this.length;
  }

  add(json: string, source: string, line: number): void {
    this.makeRoom(1 + json.length * MAX_BYTES_PER_UNIT + TAIL.length);
    if (this.size > 0) this.buffer[this.length++] = 0x2c; // ,
    this.starts[this.size] = this.length;
    this.length += this.buffer.write(json, this.length);
    this.lines[this.size] = line;
    if (this.sources.at(-1)?.name !== source) this.sources.push({ from: this.size, name: source });
    this.size += 1;
  }

  body(): Uint8Array<ArrayBuffer> {
    const end = this.length + this.buffer.write(TAIL, this.length, 'latin1');
    return this.buffer.subarray(0, end);
  }

  lineOf(index: number): LineRef {
    let name = '';
    for (const run of this.sources) {
      if (run.from > index) break;
      name = run.name;
    }
    return { source: name, line: this.lines[index] as number };
  }

  /** Rare (tmon refused an event): the rest as one object per event. */
  without(index: number): EventBatch {
    const events: OutgoingEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      if (i !== index) events.push({ json: this.eventJson(i), line: this.lineOf(i) });
    }
    return eventList(events);
  }

  private eventJson(index: number): string {
    const end = index + 1 < this.size ? (this.starts[index + 1] as number) - 1 : this.length;
    return this.buffer.toString('utf8', this.starts[index], end);
  }

  private makeRoom(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}
