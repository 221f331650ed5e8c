/** The shape of one corpus case: a line in a format, and the record or the refusal it must give. */
import type { LogParseOptions, LogRecord, LogRefusalReason } from '../../src/logs/log-record.js';

export interface CorpusCase {
  name: string;
  /** a --format value: a preset or a format string */
  format: string;
  options?: LogParseOptions;
  line: string;
  expected: LogRecord | { refused: LogRefusalReason };
}

/** A record with every field: the ones a case does not name take the values most lines have. */
export function record(fields: Partial<LogRecord> & Pick<LogRecord, 'url' | 'ip' | 'ts'>): LogRecord {
  return {
    useragent: '',
    username: null,
    method: 'GET',
    status: 200,
    duration_ms: null,
    referrer: null,
    extra: {},
    ...fields,
  };
}

/** ms since the epoch of a wall-clock time written with a zone `offsetMinutes` east of UTC. */
export function at(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
}

export const FIREFOX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0';
export const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
