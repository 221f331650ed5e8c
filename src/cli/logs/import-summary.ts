/**
 * What an import counts as it goes, and the summary it ends with:
 * "read 120,431 lines; tmon accepted 120,400 events; refused 31 lines:
 * no_match 29 (lines 17, 5,210, 88,001, …), bad_time 2 (lines 9, 12)".
 * Each reason keeps its first few line numbers so the user can look at them;
 * what tmon itself refused is listed by its message, quoted.
 */
import type { LogRefusalReason } from '../../logs/log-record.js';
import type { EventRefusal, LineRef } from './batch-sender.js';

/** line numbers kept per reason: enough to find the pattern, few enough for one line of text */
export const EXAMPLE_LINES = 3;

interface Refusals {
  count: number;
  examples: LineRef[];
}

export interface ImportSummaryJson {
  lines_read: number;
  accepted: number;
  refused_lines: number;
  /** per reason: how many, and the first lines as "source:line" */
  refused: Record<string, { count: number; lines: string[] }>;
  /** per message of the server: events it refused on its own */
  refused_by_tmon: Record<string, { count: number; lines: string[] }>;
  /** sources that could not be read to their end, with why */
  unreadable: Record<string, string>;
}

export class ImportTally {
  linesRead = 0;
  accepted = 0;
  private readonly refused = new Map<string, Refusals>();
  private readonly refusedByServer = new Map<string, Refusals>();
  readonly unreadable = new Map<string, string>();

  /** `sources`: how many inputs the run has; with one, line numbers need no file name */
  constructor(private readonly sources: number) {}

  refuseLine(reason: LogRefusalReason, line: LineRef): void {
    note(this.refused, reason, line);
  }

  refusedByTmon(refusals: readonly EventRefusal[]): void {
    for (const refusal of refusals) note(this.refusedByServer, refusal.message, refusal.line);
  }

  get refusedLines(): number {
    return total(this.refused) + total(this.refusedByServer);
  }

  summary(): string {
    const parts = [`read ${thousands(this.linesRead)} ${plural(this.linesRead, 'line')}`];
    parts.push(`tmon accepted ${thousands(this.accepted)} ${plural(this.accepted, 'event')}`);
    const refused = total(this.refused);
    if (refused > 0)
      parts.push(`refused ${thousands(refused)} ${plural(refused, 'line')}: ${this.listed(this.refused)}`);
    const byServer = total(this.refusedByServer);
    if (byServer > 0) {
      const listed = this.listed(this.refusedByServer, (message) => JSON.stringify(message));
      parts.push(`tmon refused ${thousands(byServer)} ${plural(byServer, 'event')}: ${listed}`);
    }
    for (const [source, reason] of this.unreadable) parts.push(`could not read ${source} to its end: ${reason}`);
    return parts.join('; ');
  }

  toJson(): ImportSummaryJson {
    return {
      lines_read: this.linesRead,
      accepted: this.accepted,
      refused_lines: this.refusedLines,
      refused: jsonOf(this.refused),
      refused_by_tmon: jsonOf(this.refusedByServer),
      unreadable: Object.fromEntries(this.unreadable),
    };
  }

  /** "no_match 29 (lines 17, 5,210, 88,001, …), bad_time 2 (lines 9, 12)", the most frequent reason first */
  private listed(refusals: Map<string, Refusals>, named: (reason: string) => string = (reason) => reason): string {
    return [...refusals]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([reason, { count, examples }]) => {
        const more = count > examples.length ? ', …' : '';
        return `${named(reason)} ${thousands(count)} (${this.where(examples)}${more})`;
      })
      .join(', ');
  }

  private where(lines: readonly LineRef[]): string {
    if (this.sources === 1) return `${plural(lines.length, 'line')} ${lines.map((l) => thousands(l.line)).join(', ')}`;
    return lines.map((l) => `${l.source} line ${thousands(l.line)}`).join(', ');
  }
}

function note(refusals: Map<string, Refusals>, key: string, line: LineRef): void {
  let entry = refusals.get(key);
  if (entry === undefined) {
    entry = { count: 0, examples: [] };
    refusals.set(key, entry);
  }
  entry.count += 1;
  if (entry.examples.length < EXAMPLE_LINES) entry.examples.push(line);
}

function total(refusals: Map<string, Refusals>): number {
  let sum = 0;
  for (const entry of refusals.values()) sum += entry.count;
  return sum;
}

function jsonOf(refusals: Map<string, Refusals>): Record<string, { count: number; lines: string[] }> {
  const json: Record<string, { count: number; lines: string[] }> = {};
  for (const [reason, { count, examples }] of refusals) {
    json[reason] = { count, lines: examples.map((l) => `${l.source}:${l.line}`) };
  }
  return json;
}

/** 120431 → "120,431": the way the summary and the progress bar write counts */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
