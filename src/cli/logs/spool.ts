/**
 * The disk spool of `tmon logs follow`: every batch is written here first,
 * gzipped in a numbered file, and removed once tmon has acknowledged it. While tmon cannot be reached the batches wait here, across
 * restarts of the follower too, and are sent in their order once it answers.
 *
 * The spool is bounded: when it holds MAX_SPOOL_BYTES the follower stops
 * reading until batches leave it. The lines then wait in the log files
 * themselves, and a log rotated meanwhile stays open until it has been read.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { OutgoingEvent } from './batch-sender.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** about 5 million access-log lines at ~50 bytes each once gzipped: hours of a busy site's traffic */
export const MAX_SPOOL_BYTES = 256 * 1024 * 1024;

const BATCH_NAME = /^(\d{12})\.json\.gz$/;

export interface SpooledBatch {
  readonly file: string;
  readonly sequence: number;
  readonly bytes: number;
}

export class Spool {
  private readonly waiting: SpooledBatch[];
  private bytes: number;
  private nextSequence: number;
  private wakeSender: (() => void) | null = null;

  private constructor(
    readonly directory: string,
    batches: SpooledBatch[],
    private readonly maxBytes: number,
  ) {
    this.waiting = batches;
    this.bytes = batches.reduce((sum, batch) => sum + batch.bytes, 0);
    this.nextSequence = (batches.at(-1)?.sequence ?? 0) + 1;
  }

  /** The spool in `directory` (made if missing), with the batches an earlier run left in it. */
  static async open(directory: string, maxBytes = MAX_SPOOL_BYTES): Promise<Spool> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const batches: SpooledBatch[] = [];
    for (const name of await readdir(directory)) {
      const match = BATCH_NAME.exec(name);
      if (!match) continue;
      const file = path.join(directory, name);
      batches.push({ file, sequence: Number(match[1]), bytes: (await stat(file)).size });
    }
    batches.sort((a, b) => a.sequence - b.sequence);
    return new Spool(directory, batches, maxBytes);
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  get batchCount(): number {
    return this.waiting.length;
  }

  /** Writes a batch durably, behind the ones already waiting: a crash leaves it whole or absent. */
  async put(events: readonly OutgoingEvent[]): Promise<void> {
    const body = await gzipAsync(events.map(spoolLine).join(''));
    const sequence = this.nextSequence++;
    const file = path.join(this.directory, `${String(sequence).padStart(12, '0')}.json.gz`);
    const temporary = `${file}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await syncDirectory(this.directory);
    this.waiting.push({ file, sequence, bytes: body.length });
    this.bytes += body.length;
    this.wakeSender?.();
  }

  /** The oldest waiting batch, or null when none waits. */
  oldest(): SpooledBatch | null {
    return this.waiting[0] ?? null;
  }

  async events(batch: SpooledBatch): Promise<OutgoingEvent[]> {
    const text = (await gunzipAsync(await readFile(batch.file))).toString('utf8');
    return text.split('\n').slice(0, -1).map(outgoingEvent);
  }

  /** Removes a batch tmon acknowledged. */
  async remove(batch: SpooledBatch): Promise<void> {
    await unlink(batch.file);
    this.forget(batch);
  }

  /** Resolves once a batch is put, at once if one is waiting already. */
  nextBatch(): Promise<void> {
    if (this.waiting.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeSender = () => {
        this.wakeSender = null;
        resolve();
      };
    });
  }

  private forget(batch: SpooledBatch): void {
    const index = this.waiting.indexOf(batch);
    if (index !== -1) this.waiting.splice(index, 1);
    this.bytes -= batch.bytes;
  }
}

/**
 * One event per line: where it was read (JSON, so a tab or newline in a path
 * is escaped), a tab, the event's JSON text as it will be sent (JSON text
 * holds no raw tab or newline either).
 */
function spoolLine(event: OutgoingEvent): string {
  return `${JSON.stringify([event.line.source, event.line.line])}\t${event.json}\n`;
}

function outgoingEvent(text: string): OutgoingEvent {
  const tab = text.indexOf('\t');
  const [source, line] = JSON.parse(text.slice(0, tab)) as [string, number];
  return { line: { source, line }, json: text.slice(tab + 1) };
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
