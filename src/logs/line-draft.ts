/**
 * The fields of one line as a format's parts find them, before they become a
 * record: several parts can feed one record field (the url from `$request`,
 * or from `$request_uri`, or `$uri` and `$args`), so they are gathered first
 * and settled once in finishRecord. A parser reuses one draft for every line.
 */
import { bareAddress, firstForwardedHop } from './client-address.js';
import { type LogParseOptions, type LogRecord, type LogRefusal, RECORD_LIMITS, refuseLine } from './log-record.js';
import { type RequestLine, readRequestLine } from './request-line.js';

export interface LineDraft {
  remoteAddress: string | null;
  forwardedFor: string | null;
  /** ms since the epoch; NaN until a time field is read */
  ts: number;
  /** `GET /a?b HTTP/1.1` as logged */
  requestLine: string | null;
  method: string | null;
  /** path and query (`$request_uri`, Caddy's `uri`, Traefik's `RequestPath`) */
  requestUri: string | null;
  /** path alone (`$uri`, `%U`) and query alone (`$args` without `?`, `%q` with it) */
  path: string | null;
  query: string | null;
  status: number | null;
  durationMs: number | null;
  referrer: string | null;
  useragent: string;
  username: string | null;
  extra: Record<string, string | number>;
  /** the parts of requestLine, filled in place by finishRecord */
  readonly request: RequestLine;
}

export function newDraft(): LineDraft {
  return {
    remoteAddress: null,
    forwardedFor: null,
    ts: Number.NaN,
    requestLine: null,
    method: null,
    requestUri: null,
    path: null,
    query: null,
    status: null,
    durationMs: null,
    referrer: null,
    useragent: '',
    username: null,
    extra: {},
    request: { method: '', target: '', protocol: '' },
  };
}

export function resetDraft(draft: LineDraft): void {
  draft.remoteAddress = null;
  draft.forwardedFor = null;
  draft.ts = Number.NaN;
  draft.requestLine = null;
  draft.method = null;
  draft.requestUri = null;
  draft.path = null;
  draft.query = null;
  draft.status = null;
  draft.durationMs = null;
  draft.referrer = null;
  draft.useragent = '';
  draft.username = null;
  // The record takes the extra object, so each line gets its own.
  draft.extra = {};
}

/** `-` is how every format here writes "no value". */
export function orNull(value: string): string | null {
  return value === '-' || value === '' ? null : value;
}

export function finishRecord(draft: LineDraft, options: LogParseOptions): LogRecord | LogRefusal {
  let ip: string | null = null;
  if (options.clientFromForwardedFor) ip = firstForwardedHop(draft.forwardedFor);
  if (ip === null) {
    const remote = draft.remoteAddress;
    if (remote === null || remote === '-' || remote === '')
      return refuseLine('missing_ip', 'the line has no client address');
    ip = bareAddress(remote);
    if (ip === null) return refuseLine('bad_ip', `the client address ${quote(remote)} is not an IP address`);
  }
  if (Number.isNaN(draft.ts)) return refuseLine('missing_time', 'the line has no time');

  let url: string | null = null;
  let method = draft.method;
  if (draft.requestLine !== null) {
    if (!readRequestLine(draft.requestLine, draft.request)) {
      return refuseLine('bad_request_line', `${quote(draft.requestLine)} is not "METHOD TARGET PROTOCOL"`);
    }
    url = draft.request.target;
    method ??= draft.request.method;
  } else if (draft.requestUri !== null) {
    url = draft.requestUri;
  } else if (draft.path !== null) {
    const query = draft.query;
    url =
      query === null || query === '' || query === '?'
        ? draft.path
        : `${draft.path}${query[0] === '?' ? '' : '?'}${query}`;
  }
  if (url === null || url === '') return refuseLine('missing_url', 'the line has no request target');

  if (url.length > RECORD_LIMITS.url) {
    return refuseLine('url_too_long', `the url is longer than ${RECORD_LIMITS.url} characters`);
  }
  const tooLong =
    longerThan('useragent', draft.useragent, RECORD_LIMITS.useragent) ??
    longerThan('referrer', draft.referrer, RECORD_LIMITS.referrer) ??
    longerThan('username', draft.username, RECORD_LIMITS.username) ??
    longerThan('method', method, RECORD_LIMITS.method);
  if (tooLong !== null) return tooLong;

  return {
    url,
    ip,
    useragent: draft.useragent,
    username: draft.username,
    ts: draft.ts,
    method,
    status: draft.status,
    duration_ms: draft.durationMs,
    referrer: draft.referrer,
    extra: draft.extra,
  };
}

function longerThan(field: string, value: string | null, max: number): LogRefusal | null {
  if (value === null || value.length <= max) return null;
  return refuseLine('field_too_long', `the ${field} is longer than ${max} characters`);
}

/** A value for a message: quoted, and cut short so a binary line does not flood the report. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
