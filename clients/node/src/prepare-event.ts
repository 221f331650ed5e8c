/**
 * track()'s input → the JSON text that is queued. Checks what would make tmon
 * refuse the event (and, in v2, the whole batch with it), truncates long
 * texts to tmon's limits, and fills in `id` and `ts`. Serialising here, on the
 * caller's path, costs a few µs and snapshots the event: the caller may reuse
 * or mutate its object afterwards.
 */
import { isIP } from 'node:net';
import { timeOrderedId } from './event-id.js';
import type { TmonEvent } from './types.js';

/** tmon's limits on an event's fields (docs/protocol.md), in UTF-16 code units as tmon counts them. */
const TEXT_LIMITS: Readonly<Record<string, number>> = {
  url: 2048,
  useragent: 1024,
  username: 256,
  method: 16,
  referrer: 2048,
};
const ID_MAX = 64;

export type Prepared = { ok: true; json: string; id: string } | { ok: false; reason: string };

export function prepareEvent(input: unknown, now: number): Prepared {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'an event must be an object' };
  }
  const event: Record<string, unknown> = { ...(input as TmonEvent) };
  if (typeof event.url !== 'string') return { ok: false, reason: 'url must be a string' };
  if (typeof event.ip !== 'string' || isIP(event.ip) === 0) {
    return { ok: false, reason: `ip must be an IPv4 or IPv6 address, not ${JSON.stringify(event.ip)}` };
  }
  // a request without a User-Agent header is still a request: keep it, with an empty agent
  if (event.useragent === undefined || event.useragent === null) event.useragent = '';
  for (const [field, limit] of Object.entries(TEXT_LIMITS)) {
    const value = event[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { ok: false, reason: `${field} must be a string` };
    if (value.length > limit) event[field] = value.slice(0, limit);
  }
  const { status, duration_ms: duration, ts } = event;
  if (status !== undefined && status !== null) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      return { ok: false, reason: 'status must be an integer from 100 to 599' };
    }
  }
  if (duration !== undefined && duration !== null) {
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
      return { ok: false, reason: 'duration_ms must be a number ≥ 0' };
    }
  }
  // the time of the request, not of its (batched, perhaps retried) delivery
  if (ts === undefined || ts === null) event.ts = now;
  else if (typeof ts !== 'number' || !Number.isFinite(ts)) return { ok: false, reason: 'ts must be ms since epoch' };
  if (event.id === undefined || event.id === null) event.id = timeOrderedId(now);
  else if (typeof event.id !== 'string' || event.id === '' || event.id.length > ID_MAX) {
    return { ok: false, reason: `id must be a string of 1 to ${ID_MAX} characters` };
  }
  try {
    return { ok: true, json: JSON.stringify(event), id: event.id as string };
  } catch (error) {
    return { ok: false, reason: `the event cannot be serialised as JSON: ${(error as Error).message}` };
  }
}
