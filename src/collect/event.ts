/// <reference lib="es2024.string" />
// Node 20 has String#isWellFormed; the ES2022 lib of tsconfig does not declare it
/**
 * One event as a sender reported it (docs/protocol.md) → CollectedEvent, or the first
 * reason to refuse it. Runs per event at up to ~100k events/s, so it is one
 * pass over the keys with no intermediate objects; a Refusal is only built on
 * the failing path.
 *
 * Hand-written rather than TypeBox: each failure needs its own code
 * (missing_field / invalid_field / field_too_long) and a message naming the
 * field, `ts` is checked against the injected clock, and the unknown keys must
 * be gathered into `extra` anyway — a schema check would be a second pass that
 * still leaves half the rules here.
 *
 * Text must be Unicode: JSON's `\ud800` escape makes a lone UTF-16 surrogate,
 * which no store keeps (SQLite writes U+FFFD in its place), so an event
 * holding one, in any field, key or extra value, is refused naming where.
 */

import { isIP } from 'node:net';
import { type Refusal, refuse } from '../errors/refusal.js';
import type { CollectedEvent } from './event.types.js';

export const EVENT_LIMITS = {
  url: 2048,
  useragent: 1024,
  username: 256,
  method: 16,
  referrer: 2048,
  id: 64,
  /** JSON.stringify(extra), in UTF-8 bytes */
  extraBytes: 4096,
  /** extra itself is depth 1; an object in it 2; an object in that 3 */
  extraDepth: 3,
  /** `ts` may lag the receipt by a day (queued, retried senders; bearer batches: see bearer-batch.ts)… */
  tsPastMs: 24 * 60 * 60 * 1000,
  /** …and lead it by 5 min (clock skew), no more. */
  tsFutureMs: 5 * 60 * 1000,
} as const;

/** How far back an event's `ts` may go, and that limit in words for the refusal. */
export interface TsWindow {
  pastMs: number;
  pastWords: string;
}

/** the window of events sent as they happen (v2, Gen 1, Gen 2) */
export const LIVE_TS_WINDOW: TsWindow = { pastMs: EVENT_LIMITS.tsPastMs, pastWords: '24 h' };

/** Longest IPv6 text with an IPv4 tail is 45 chars; the slack allows a zone id. */
const IP_MAX_LENGTH = 64;

export function validateEvent(raw: unknown, now: number, tsWindow = LIVE_TS_WINDOW): CollectedEvent | Refusal {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('not_an_object', 'the event must be a JSON object');
  }
  const fields = raw as Record<string, unknown>;
  let url: string | undefined;
  let ip: string | undefined;
  let useragent: string | undefined;
  let username: string | null = null;
  let ts = now;
  let method: string | null = null;
  let status: number | null = null;
  let durationMs: number | null = null;
  let referrer: string | null = null;
  let id: string | null = null;
  let extra: Record<string, unknown> | null = null;

  for (const key in fields) {
    const value = fields[key];
    // Senders often spell "absent" as null: an optional field given null keeps its default.
    const absent = value === null;
    switch (key) {
      case 'url': {
        const checked = checkText(key, value, EVENT_LIMITS.url);
        if (typeof checked !== 'string') return checked;
        url = checked;
        break;
      }
      case 'ip': {
        if (typeof value !== 'string') return refuse('invalid_field', 'ip must be a string');
        if (value.length > IP_MAX_LENGTH || isIP(value) === 0) {
          return refuse('invalid_field', 'ip is not a valid IP address');
        }
        ip = value;
        break;
      }
      case 'useragent': {
        const checked = checkText(key, value, EVENT_LIMITS.useragent);
        if (typeof checked !== 'string') return checked;
        useragent = checked;
        break;
      }
      case 'username': {
        if (absent) break;
        const checked = checkText(key, value, EVENT_LIMITS.username);
        if (typeof checked !== 'string') return checked;
        username = checked;
        break;
      }
      case 'ts': {
        if (absent) break;
        const checked = checkTs(value, now, tsWindow);
        if (typeof checked !== 'number') return checked;
        ts = checked;
        break;
      }
      case 'method': {
        if (absent) break;
        const checked = checkText(key, value, EVENT_LIMITS.method);
        if (typeof checked !== 'string') return checked;
        method = checked.toUpperCase();
        break;
      }
      case 'status': {
        if (absent) break;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
          return refuse('invalid_field', 'status must be an integer from 100 to 599');
        }
        status = value;
        break;
      }
      case 'duration_ms': {
        if (absent) break;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          return refuse('invalid_field', 'duration_ms must be a number ≥ 0');
        }
        durationMs = value;
        break;
      }
      case 'referrer': {
        if (absent) break;
        const checked = checkText(key, value, EVENT_LIMITS.referrer);
        if (typeof checked !== 'string') return checked;
        referrer = checked;
        break;
      }
      case 'id': {
        if (absent) break;
        const checked = checkText(key, value, EVENT_LIMITS.id);
        if (typeof checked !== 'string') return checked;
        // An empty idempotency key would make every id-less-looking event a duplicate of the first.
        if (checked === '') return refuse('invalid_field', 'id must not be empty');
        id = checked;
        break;
      }
      default:
        extra ??= {};
        setOwn(extra, key, value);
    }
  }

  if (url === undefined) return refuse('missing_field', 'url is missing');
  if (ip === undefined) return refuse('missing_field', 'ip is missing');
  if (useragent === undefined) return refuse('missing_field', 'useragent is missing');
  if (extra !== null) {
    const refusal = checkExtra(extra);
    if (refusal !== null) return refusal;
  }
  return { url, ip, useragent, username, ts, method, status, durationMs, referrer, id, extra };
}

function checkText(name: string, value: unknown, max: number): string | Refusal {
  if (typeof value !== 'string') return refuse('invalid_field', `${name} must be a string`);
  // Counted in UTF-16 code units (String#length): cheap, and never under the character count.
  if (value.length > max) return refuse('field_too_long', `${name} is longer than ${max} characters`);
  if (!value.isWellFormed()) return loneSurrogate(name);
  return value;
}

function loneSurrogate(where: string): Refusal {
  return refuse('invalid_field', `${where} holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)`);
}

function checkTs(value: unknown, now: number, tsWindow: TsWindow): number | Refusal {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return refuse('invalid_field', 'ts must be a number of milliseconds since the epoch');
  }
  // Some clients send time.time() * 1000: keep whole milliseconds.
  const ts = Math.floor(value);
  if (ts < now - tsWindow.pastMs) return refuse('invalid_field', `ts is more than ${tsWindow.pastWords} in the past`);
  if (ts > now + EVENT_LIMITS.tsFutureMs) return refuse('invalid_field', 'ts is more than 5 min in the future');
  return ts;
}

function checkExtra(extra: Record<string, unknown>): Refusal | null {
  // Depth first: it stops early, and bounds the work JSON.stringify does next.
  if (deeperThan(extra, EVENT_LIMITS.extraDepth)) {
    return refuse('extra_too_deep', `extra properties nest deeper than ${EVENT_LIMITS.extraDepth} levels`);
  }
  const json = JSON.stringify(extra);
  // UTF-8 never takes fewer bytes than UTF-16 code units, so short strings skip the byte count.
  if (json.length > EVENT_LIMITS.extraBytes || Buffer.byteLength(json, 'utf8') > EVENT_LIMITS.extraBytes) {
    return refuse('extra_too_large', `extra properties exceed ${EVENT_LIMITS.extraBytes} bytes of JSON`);
  }
  // JSON.stringify writes a lone surrogate as a lowercase \udxxx escape: without one, none needs looking for
  if (json.includes('\\ud')) {
    const where = loneSurrogateIn(extra, '');
    if (where !== null) return loneSurrogate(where);
  }
  return null;
}

/** Which text or name in extra `value` (at `path`) holds a lone surrogate, in words; null: none. */
function loneSurrogateIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : `extra property ${path}`;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const where = loneSurrogateIn(value[i], `${path}[${i}]`);
      if (where !== null) return where;
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    // escaped as in JSON, so that the message itself is well-formed text
    const name = JSON.stringify(key).slice(1, -1);
    const keyPath = path === '' ? name : `${path}.${name}`;
    if (!key.isWellFormed()) return `the name of extra property ${keyPath}`;
    const where = loneSurrogateIn(record[key], keyPath);
    if (where !== null) return where;
  }
  return null;
}

/** Whether `value` holds more than `levels` nested objects/arrays (itself included). */
function deeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (deeperThan(item, levels - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (deeperThan(record[key], levels - 1)) return true;
  return false;
}

/** Plain assignment of "__proto__" would set the prototype instead of keeping the sender's field. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
