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
  // the address passed isIP (client-address.ts): nothing in it to escape
  let json = `{"url":${jsonString(record.url)},"ip":"${record.ip}","useragent":${jsonString(record.useragent)},"ts":${tsJson(record.ts)},"id":${jsonString(id)}`;
  if (record.username !== null) json += `,"username":${jsonString(record.username)}`;
  if (record.method !== null) json += `,"method":${jsonString(record.method)}`;
  if (record.status !== null) json += `,"status":${finite(record.status)}`;
  if (record.duration_ms !== null) json += `,"duration_ms":${finite(record.duration_ms)}`;
  if (record.referrer !== null) json += `,"referrer":${jsonString(record.referrer)}`;
  for (const key in record.extra) {
    if (!Object.hasOwn(record.extra, key)) continue;
    const value = record.extra[key] as string | number;
    json += `${extraKeyJson(key)}${typeof value === 'number' ? finite(value) : jsonString(value)}`;
  }
  return `${json}}`;
}

/** what JSON.stringify escapes in a string: a quote, a backslash, a control character, a lone surrogate */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The string as JSON.stringify writes it. Most of a log's text needs no
 * escaping: one regexp test and a concatenation cost less than stringifying.
 */
function jsonString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** `,"name":` per extra field's name: a format has a few, written on every line */
const extraKeys = new Map<string, string>();
/** a JSON log's lines may bring names of their own: only so many are kept */
const EXTRA_KEYS_KEPT = 256;

function extraKeyJson(key: string): string {
  let text = extraKeys.get(key);
  if (text !== undefined) return text;
  // a custom format's field that shares an event field's name keeps its value under another name
  text = `,${JSON.stringify(EVENT_FIELDS.has(key) ? `log_${key}` : key)}:`;
  if (extraKeys.size < EXTRA_KEYS_KEPT) extraKeys.set(key, text);
  return text;
}

/** the last time written, and its text: a log's neighbouring lines mostly share their second */
let lastTs = Number.NaN;
let lastTsJson = 'null';

function tsJson(ts: number): string {
  if (ts !== lastTs) {
    lastTs = ts;
    lastTsJson = finite(ts);
  }
  return lastTsJson;
}

/** A number as JSON writes it (a non-finite one as null, which the server refuses with its reason). */
function finite(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
