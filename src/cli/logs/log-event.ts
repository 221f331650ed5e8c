/**
 * A parsed line → the collect event sent for it, as JSON: the record's fields
 * (docs/protocol.md, "The event"), its line id, and the log's other fields
 * (`vhost`, `bytes`, a custom format's own) as the event's extra properties.
 */
import type { LogRecord } from '../../logs/log-record.js';

/** the event's own fields: an extra field of the same name must not replace them */
const EVENT_FIELDS = new Set([
  'url',
  'ip',
  'useragent',
  'username',
  'ts',
  'method',
  'status',
  'duration_ms',
  'referrer',
  'id',
]);

/** JSON text of the event; fields the line has no value for are left out, as the server reads a missing field and null alike. */
export function logEventJson(record: LogRecord, id: string): string {
  // no prototype: a JSON log's key "__proto__" becomes a field like any other
  const event: Record<string, unknown> = Object.create(null);
  for (const key in record.extra) {
    // a custom format's field that shares an event field's name keeps its value under another name
    event[EVENT_FIELDS.has(key) ? `log_${key}` : key] = record.extra[key];
  }
  event.url = record.url;
  event.ip = record.ip;
  event.useragent = record.useragent;
  event.ts = record.ts;
  event.id = id;
  if (record.username !== null) event.username = record.username;
  if (record.method !== null) event.method = record.method;
  if (record.status !== null) event.status = record.status;
  if (record.duration_ms !== null) event.duration_ms = record.duration_ms;
  if (record.referrer !== null) event.referrer = record.referrer;
  return JSON.stringify(event);
}
