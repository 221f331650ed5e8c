/**
 * Caddy's JSON access log (`log` directive, the default encoder): one object
 * per request with the request in a nested `request` object,
 * headers as lists, `duration` in seconds and `ts` in epoch seconds (or ISO
 * 8601 when `time_format` says so).
 */

import {
  firstHeader,
  isJsonObject,
  type JsonObject,
  setJsonBytes,
  setJsonDuration,
  setJsonStatus,
  setJsonTime,
  textOf,
} from './json-values.js';
import type { LineDraft } from './line-draft.js';
import type { LogRefusal } from './log-record.js';
import { parseAnyTime } from './log-time.js';

export function isCaddyLine(object: JsonObject): boolean {
  return isJsonObject(object.request);
}

export function fillFromCaddy(object: JsonObject, draft: LineDraft): LogRefusal | null {
  const request = object.request as JsonObject;
  const headers = request.headers;
  // client_ip (Caddy 2.7+) is remote_ip unless trusted_proxies let a header name the client.
  draft.remoteAddress = textOf(request.client_ip) ?? textOf(request.remote_ip);
  draft.forwardedFor = firstHeader(headers, 'X-Forwarded-For');
  draft.method = textOf(request.method);
  draft.requestUri = textOf(request.uri);
  draft.useragent = firstHeader(headers, 'User-Agent') ?? '';
  draft.referrer = firstHeader(headers, 'Referer');
  draft.username = textOf(object.user_id);
  const host = textOf(request.host);
  if (host !== null) draft.extra.vhost = host;
  return (
    setJsonTime(draft, object.ts, parseAnyTime) ??
    setJsonStatus(draft, object.status) ??
    setJsonDuration(draft, object.duration, 1000) ??
    setJsonBytes(draft, object.size)
  );
}
