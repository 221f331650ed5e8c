/**
 * What parsing one access-log line gives: a record shaped like tmon's collect
 * event (docs/protocol.md, "The event"), or the reason the line was refused.
 * Parsers return a refusal instead of throwing, so an import can count lines
 * per reason and carry on.
 */

/** One parsed line, with the collect event's field names, ready to send as JSON. */
export interface LogRecord {
  url: string;
  ip: string;
  /** '' when the log has none: the server requires the field */
  useragent: string;
  username: string | null;
  /** ms since the epoch, from the line's own time and time zone */
  ts: number;
  method: string | null;
  status: number | null;
  duration_ms: number | null;
  referrer: string | null;
  /** `vhost` and `bytes` when the log has them, and every field of a custom format that has no event field */
  extra: Record<string, string | number>;
}

export type LogRefusalReason =
  | 'empty'
  | 'no_match'
  | 'bad_json'
  | 'missing_ip'
  | 'bad_ip'
  | 'missing_time'
  | 'bad_time'
  | 'missing_url'
  | 'bad_request_line'
  | 'bad_status'
  | 'bad_number'
  | 'url_too_long'
  | 'field_too_long'
  | 'bad_text';

export interface LogRefusal {
  readonly refused: LogRefusalReason;
  readonly message: string;
}

export type LogLineResult = LogRecord | LogRefusal;

export interface LogParseOptions {
  /** Take the client address from the first hop of X-Forwarded-For when the line has a valid one. */
  clientFromForwardedFor?: boolean;
}

/** Parses one line (without its line break). Never throws. */
export type LineParser = (line: string) => LogLineResult;

/** The collect event's limits: a longer field would be refused by the server, so the line is refused here. */
export const RECORD_LIMITS = {
  url: 2048,
  useragent: 1024,
  username: 256,
  method: 16,
  referrer: 2048,
} as const;

export function refuseLine(refused: LogRefusalReason, message: string): LogRefusal {
  return { refused, message };
}

export function isLogRefusal(result: LogLineResult): result is LogRefusal {
  return 'refused' in result;
}

/** A format string that cannot be compiled: reported once, before any line is read. */
export class LogFormatError extends Error {
  override name = 'LogFormatError';
}
