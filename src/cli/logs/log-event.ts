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

/**
 * JSON text of the event; fields the line has no value for are left out, as
 * the server reads a missing field and null alike. Written field by field
 * rather than by stringifying an object: an import sends one per line, and a
 * dictionary-mode object took a quarter of the importer's CPU to stringify.
 */
export function logEventJson(record: LogRecord, id: string): string {
  let json = `{"url":${JSON.stringify(record.url)},"ip":${JSON.stringify(record.ip)},"useragent":${JSON.stringify(record.useragent)},"ts":${finite(record.ts)},"id":${JSON.stringify(id)}`;
  if (record.username !== null) json += `,"username":${JSON.stringify(record.username)}`;
  if (record.method !== null) json += `,"method":${JSON.stringify(record.method)}`;
  if (record.status !== null) json += `,"status":${finite(record.status)}`;
  if (record.duration_ms !== null) json += `,"duration_ms":${finite(record.duration_ms)}`;
  if (record.referrer !== null) json += `,"referrer":${JSON.stringify(record.referrer)}`;
  for (const key in record.extra) {
    if (!Object.hasOwn(record.extra, key)) continue;
    // a custom format's field that shares an event field's name keeps its value under another name
    const name = EVENT_FIELDS.has(key) ? `log_${key}` : key;
    json += `,${JSON.stringify(name)}:${JSON.stringify(record.extra[key])}`;
  }
  return `${json}}`;
}

/** A number as JSON writes it (a non-finite one as null, which the server refuses with its reason). */
function finite(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
