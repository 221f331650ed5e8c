/**
 * The import's progress on stderr: on a terminal, one line redrawn in place
 * (a bar when the size of the input is known, lines read, lines per second,
 * the file being read); elsewhere (a log file, systemd's journal, a CI job)
 * one plain line every few seconds, since carriage returns there only pile up.
 * stdout stays for the summary.
 */
import { thousands } from './import-summary.js';

export interface ProgressState {
  lines: number;
  /** raw bytes read so far (still compressed for a .gz) */
  bytes: number;
  /** the raw size of all inputs, or null when one is a stream */
  totalBytes: number | null;
  elapsedMs: number;
  /** the input being read */
  source: string;
}

/** a terminal redraws often enough to look alive, not so often that drawing costs time */
const TERMINAL_INTERVAL_MS = 200;
const PLAIN_INTERVAL_MS = 5_000;
const BAR_WIDTH = 24;

/** "[#########---------------]  38%  1,234,567 lines  85,012 lines/s  access.log.1" (the bar only with a known size) */
export function progressLine(state: ProgressState, bar: boolean): string {
  const parts: string[] = [];
  if (state.totalBytes !== null && state.totalBytes > 0) {
    const share = Math.min(1, state.bytes / state.totalBytes);
    const percent = `${String(Math.floor(share * 100)).padStart(3)}%`;
    if (bar) {
      const filled = Math.round(share * BAR_WIDTH);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}`);
    } else {
      parts.push(percent.trim());
    }
  }
  parts.push(`${thousands(state.lines)} lines`);
  parts.push(`${thousands(linesPerSecond(state))} lines/s`);
  parts.push(state.source);
  return parts.join('  ');
}

function linesPerSecond(state: ProgressState): number {
  return state.elapsedMs <= 0 ? 0 : (state.lines * 1000) / state.elapsedMs;
}

export class Progress {
  private readonly started = performance.now();
  /** a terminal draws at once; a plain line first after its interval, so a short import prints none */
  private lastDrawn: number;
  private drawnWidth = 0;
  private state: ProgressState;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    totalBytes: number | null,
  ) {
    this.state = { lines: 0, bytes: 0, totalBytes, elapsedMs: 0, source: '' };
    this.lastDrawn = this.terminal ? Number.NEGATIVE_INFINITY : this.started;
  }

  private get terminal(): boolean {
    return this.stream.isTTY === true;
  }

  /** Cheap to call per slice of lines: draws only when its interval has passed. */
  update(lines: number, bytes: number, source: string): void {
    const now = performance.now();
    this.state = { ...this.state, lines, bytes, source, elapsedMs: now - this.started };
    if (now - this.lastDrawn < (this.terminal ? TERMINAL_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
    this.lastDrawn = now;
    this.draw();
  }

  /** A message of its own line (a retry, a file that ended early), with the bar drawn again below it. */
  note(message: string): void {
    this.clear();
    this.stream.write(`${message}\n`);
    if (this.terminal && this.lastDrawn !== Number.NEGATIVE_INFINITY) this.draw();
  }

  /** Takes the bar away before the summary is printed. */
  finish(): void {
    this.clear();
  }

  private draw(): void {
    const line = progressLine(this.state, this.terminal);
    if (!this.terminal) {
      this.stream.write(`${line}\n`);
      return;
    }
    const columns = this.stream.columns ?? 80;
    const shown = line.length >= columns ? line.slice(0, columns - 1) : line;
    this.stream.write(`\r${shown.padEnd(this.drawnWidth)}`);
    this.drawnWidth = shown.length;
  }

  private clear(): void {
    if (!this.terminal || this.drawnWidth === 0) return;
    this.stream.write(`\r${' '.repeat(this.drawnWidth)}\r`);
    this.drawnWidth = 0;
  }
}
