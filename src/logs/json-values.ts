/**
 * Reading the typed values of JSON access logs into a draft: JSON already
 * undid the server's escaping, but a status may come as 200 or "200", a
 * header as a string or a list of them.
 */
import { type LineDraft, quote } from './line-draft.js';
import { type LogRefusal, refuseLine } from './log-record.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a string or number; null for `-`, '', null, or anything else. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value === '' || value === '-') return null;
  return value;
}

/** The first value of a header as Caddy logs them (`{"User-Agent": ["curl/8.5.0"]}`), found case-insensitively. */
export function firstHeader(headers: unknown, name: string): string | null {
  if (!isJsonObject(headers)) return null;
  let values = headers[name];
  if (values === undefined) {
    const lower = name.toLowerCase();
    for (const key in headers) if (key.toLowerCase() === lower) values = headers[key];
  }
  return textOf(Array.isArray(values) ? values[0] : values);
}

export function setJsonStatus(draft: LineDraft, value: unknown): LogRefusal | null {
  if (value === undefined || value === null) return null;
  const status = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return refuseLine('bad_status', `${quote(String(value))} is not an HTTP status`);
  }
  draft.status = status;
  return null;
}

export function setJsonTime(draft: LineDraft, value: unknown, read: (value: unknown) => number): LogRefusal | null {
  if (value === undefined || value === null || value === '') return null;
  const ms = read(value);
  if (Number.isNaN(ms)) return refuseLine('bad_time', `${quote(String(value))} is not a time`);
  draft.ts = ms;
  return null;
}

/** A duration given as a number of `msPerUnit` ms (Traefik: ns, Caddy: s), or as Go writes one (`1.5ms`). */
export function setJsonDuration(draft: LineDraft, value: unknown, msPerUnit: number): LogRefusal | null {
  if (value === undefined || value === null) return null;
  const ms =
    typeof value === 'number' ? value * msPerUnit : typeof value === 'string' ? goDurationMs(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) return refuseLine('bad_number', `${quote(String(value))} is not a duration`);
  draft.durationMs = Math.round(ms * 1000) / 1000;
  return null;
}

const GO_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** `1.5ms`, `2m3.5s`, `350µs` (Go's time.Duration text) → ms; NaN when it is not one. */
function goDurationMs(text: string): number {
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return Number.NaN;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(amount) * GO_UNITS_MS[unit!]!;
  }
  return total;
}

export function setJsonBytes(draft: LineDraft, value: unknown): LogRefusal | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return refuseLine('bad_number', `${quote(String(value))} is not a byte count`);
  }
  draft.extra.bytes = value;
  return null;
}
