/**
 * Bearer batches (docs/protocol.md, "Bearer batches"): plain JSON
 * `{"events":[…]}` sent with `Authorization: Bearer <ingest token>`, for
 * senders that hold no service secret, such as access-log importers. The
 * token is the authentication, so this file only reads the header's shape
 * and the batch's events; the token itself is checked by ingest/.
 */
import { isRefusal, type Refusal, refuse } from '../errors/refusal.js';
import { type TsWindow, validateEvent } from './event.js';
import type { CollectedEvent } from './event.types.js';

/** up to this many events per request: ten times a v2 batch, since an import sends history in bulk */
export const BEARER_MAX_EVENTS = 10_000;
/** how far back `ts` may go when retention is off (TMON_RETENTION_DAYS=0): a year of logs, and a month's slack */
export const BEARER_HISTORY_DAYS_WITHOUT_RETENTION = 400;

const DAY_MS = 24 * 60 * 60 * 1000;
const BEARER_SCHEME = /^bearer(?:[ \t]|$)/i;
const BEARER_CREDENTIALS = /^bearer[ \t]+(\S+)[ \t]*$/i;

/** Whether an Authorization header names the Bearer scheme (another scheme, as a proxy's Basic, is not tmon's). */
export function isBearer(authorization: string | undefined): authorization is string {
  return authorization !== undefined && BEARER_SCHEME.test(authorization);
}

/** The token of a Bearer Authorization header, or null when the header is not `Bearer <token>`. */
export function bearerToken(authorization: string): string | null {
  return BEARER_CREDENTIALS.exec(authorization)?.[1] ?? null;
}

/** How far back a bearer batch's `ts` may go: the retention horizon, so that an import stores what is kept. */
export function bearerTsWindow(retentionDays: number): TsWindow {
  const days = retentionDays > 0 ? retentionDays : BEARER_HISTORY_DAYS_WITHOUT_RETENTION;
  const reason = retentionDays > 0 ? 'TMON_RETENTION_DAYS' : 'the limit without retention';
  return { pastMs: days * DAY_MS, pastWords: `${days} days (${reason})` };
}

/** The batch's `events` array, checked for its size; or why the envelope is refused. */
export function bearerEvents(body: Record<string, unknown>): unknown[] | Refusal {
  if (Object.hasOwn(body, 'v')) {
    return refuse('bad_request', 'a request with a Bearer token is a batch {"events":[…]}, without v');
  }
  const raw = body.events;
  if (raw === undefined) return refuse('missing_field', 'events is missing');
  if (!Array.isArray(raw)) return refuse('invalid_field', 'events must be an array');
  if (raw.length === 0 || raw.length > BEARER_MAX_EVENTS) {
    return refuse('bad_batch_size', `events must hold 1 to ${BEARER_MAX_EVENTS} events, not ${raw.length}`);
  }
  return raw;
}

/** Every event validated, or the whole batch refused naming the first bad event's index. */
export function validateBearerEvents(raw: unknown[], now: number, window: TsWindow): CollectedEvent[] | Refusal {
  const events: CollectedEvent[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const event = validateEvent(raw[i], now, window);
    if (isRefusal(event)) return refuse('bad_event', `event ${i}: ${event.message}`);
    events[i] = event;
  }
  return events;
}
