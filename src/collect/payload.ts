/**
 * Decrypted bytes → events. Legacy payloads (Gen 1/2) are one event; v2
 * payloads are a timestamped batch, refused whole if any event is bad so a
 * sender never has to work out which half of a batch was stored (docs/protocol.md).
 */
import { isUtf8 } from 'node:buffer';
import { isRefusal, type Refusal, refuse } from '../errors/refusal.js';
import { validateEvent } from './event.js';
import type { CollectedEvent } from './event.types.js';

/** sent_at may differ from the server clock by this much; also the replay window for ivs. */
export const V2_WINDOW_MS = 300_000;
export const V2_MAX_EVENTS = 1000;

export function parseLegacyPayload(bytes: Buffer, now: number): CollectedEvent[] | Refusal {
  const parsed = parseJsonObject(bytes);
  if (isRefusal(parsed)) return parsed;
  const event = validateEvent(parsed.object, now);
  return isRefusal(event) ? event : [event];
}

export function parseV2Payload(bytes: Buffer, now: number): { sentAt: number; events: CollectedEvent[] } | Refusal {
  const parsed = parseJsonObject(bytes);
  if (isRefusal(parsed)) return parsed;
  const payload = parsed.object;
  const sentAt = payload.sent_at;
  if (sentAt === undefined) return refuse('missing_field', 'sent_at is missing');
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) {
    return refuse('invalid_field', 'sent_at must be a number of milliseconds since the epoch');
  }
  // Checked before the events: a stale batch is refused without validating up to 1000 of them.
  if (Math.abs(now - sentAt) > V2_WINDOW_MS) {
    return refuse('stale', `sent_at is more than ${V2_WINDOW_MS / 1000} s from the server clock`);
  }
  const raw = payload.events;
  if (raw === undefined) return refuse('missing_field', 'events is missing');
  if (!Array.isArray(raw)) return refuse('invalid_field', 'events must be an array');
  if (raw.length === 0 || raw.length > V2_MAX_EVENTS) {
    return refuse('bad_batch_size', `events must hold 1 to ${V2_MAX_EVENTS} events, not ${raw.length}`);
  }
  const events: CollectedEvent[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const event = validateEvent(raw[i], now);
    if (isRefusal(event)) return refuse('bad_event', `event ${i}: ${event.message}`);
    events[i] = event;
  }
  return { sentAt, events };
}

/**
 * Wrapped, because the sender's object may itself have a `refused` key and
 * would then pass isRefusal.
 */
function parseJsonObject(bytes: Buffer): { object: Record<string, unknown> } | Refusal {
  // Invalid UTF-8 is refused instead of becoming U+FFFD in stored text. A leading byte order mark is
  // skipped, as by the fatal TextDecoder this replaces (isUtf8 + toString: ~1 µs less per request).
  if (!isUtf8(bytes)) return refuse('bad_json', 'the payload is not valid UTF-8 JSON');
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8', start));
  } catch {
    return refuse('bad_json', 'the payload is not valid UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse('not_an_object', 'the payload must be a JSON object');
  }
  return { object: value as Record<string, unknown> };
}
