/**
 * Traefik's JSON access log (`accessLog.format: json`): flat keys named in
 * Go style, request headers as `request_<Header>` (kept only when the
 * configuration keeps headers), `Duration` in nanoseconds.
 */

import { type JsonObject, setJsonBytes, setJsonDuration, setJsonStatus, setJsonTime, textOf } from './json-values.js';
import type { LineDraft } from './line-draft.js';
import type { LogRefusal } from './log-record.js';
import { parseIsoTime } from './log-time.js';

export function isTraefikLine(object: JsonObject): boolean {
  return 'DownstreamStatus' in object || 'RequestMethod' in object || 'ClientHost' in object;
}

export function fillFromTraefik(object: JsonObject, draft: LineDraft): LogRefusal | null {
  draft.remoteAddress = textOf(object.ClientHost) ?? textOf(object.ClientAddr);
  draft.forwardedFor = textOf(object['request_X-Forwarded-For']);
  draft.method = textOf(object.RequestMethod);
  draft.requestUri = textOf(object.RequestPath);
  draft.useragent = textOf(object['request_User-Agent']) ?? '';
  draft.referrer = textOf(object.request_Referer);
  draft.username = textOf(object.ClientUsername);
  const host = textOf(object.RequestHost);
  if (host !== null) draft.extra.vhost = host;
  const time = object.StartUTC ?? object.StartLocal ?? object.time;
  return (
    setJsonTime(draft, time, (value) => (typeof value === 'string' ? parseIsoTime(value) : Number.NaN)) ??
    setJsonStatus(draft, object.DownstreamStatus) ??
    setJsonDuration(draft, object.Duration, 1e-6) ??
    setJsonBytes(draft, object.DownstreamContentSize)
  );
}
