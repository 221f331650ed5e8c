/**
 * An identified request + the service's secrets → its events. `secrets` is
 * the current secret, then during a rotation's grace period the previous one:
 * senders switch over at their own pace, so both must work for a while.
 */
import { isRefusal, type Refusal, refuse } from '../errors/refusal.js';
import type { CollectedEvent } from './event.types.js';
import { decryptGen1 } from './gen1-aes.js';
import { verifyGen2 } from './gen2-hmac.js';
import type { SecretRequest } from './identify.js';
import { parseLegacyPayload, parseV2Payload, V2_WINDOW_MS } from './payload.js';
import { openV2 } from './v2-gcm.js';

export interface OpenedRequest {
  events: CollectedEvent[];
  /** v2: the iv (canonical base64), which the caller must not accept twice within the window; null for legacy. */
  replayKey: string | null;
  /**
   * v2: the last instant (ms) at which this request, replayed, would still
   * pass the staleness check — sent_at plus the window: the replay key must
   * be held at least until then. null for legacy.
   */
  replayableUntil: number | null;
}

export function openRequest(req: SecretRequest, secrets: readonly string[], now: number): OpenedRequest | Refusal {
  switch (req.protocol) {
    case 'gen1':
      return openGen1(req, secrets, now);
    case 'gen2':
      return openGen2(req, secrets, now);
    case 'v2':
      return openV2Request(req, secrets, now);
  }
}

/**
 * CFB8 has no tag: a wrong key yields noise, not an error. Noise that parses
 * as a JSON object is vanishingly unlikely, so "does not parse" means "try the
 * next secret". A right key over a sender's broken JSON looks the same and is
 * also answered 403: the two cannot be told apart.
 */
function openGen1(req: { data: string }, secrets: readonly string[], now: number): OpenedRequest | Refusal {
  for (const secret of secrets) {
    const bytes = decryptGen1(req.data, secret);
    if (isRefusal(bytes)) {
      if (bytes.refused === 'bad_base64') return bytes;
      continue; // a secret unusable as an AES key: the other may still work
    }
    const events = parseLegacyPayload(bytes, now);
    if (isRefusal(events)) {
      if (events.refused === 'bad_json' || events.refused === 'not_an_object') continue;
      return events; // it decrypted to an object: the key was right and the event is wrong
    }
    return { events, replayKey: null, replayableUntil: null };
  }
  return refuse('decryption_failed', 'the data could not be decrypted with the service secret');
}

function openGen2(
  req: { data: string; signature: string },
  secrets: readonly string[],
  now: number,
): OpenedRequest | Refusal {
  for (const secret of secrets) {
    const bytes = verifyGen2(req.data, req.signature, secret);
    if (isRefusal(bytes)) {
      if (bytes.refused === 'bad_signature') continue;
      return bytes;
    }
    // Authenticated: from here every refusal is the sender's payload, not the key.
    const events = parseLegacyPayload(bytes, now);
    return isRefusal(events) ? events : { events, replayKey: null, replayableUntil: null };
  }
  return refuse('bad_signature', 'the signature does not match the data');
}

function openV2Request(
  req: { wsid: number; iv: string; data: string },
  secrets: readonly string[],
  now: number,
): OpenedRequest | Refusal {
  for (const secret of secrets) {
    const bytes = openV2(req, secret);
    if (isRefusal(bytes)) {
      if (bytes.refused === 'decryption_failed') continue;
      return bytes;
    }
    const batch = parseV2Payload(bytes, now);
    if (isRefusal(batch)) return batch;
    // openV2 accepted the iv as strict base64 of 12 bytes, which has one spelling
    // (16 digits, no padding or spare bits): the text itself is a safe replay key.
    return { events: batch.events, replayKey: req.iv, replayableUntil: batch.sentAt + V2_WINDOW_MS };
  }
  return refuse('decryption_failed', 'the data could not be decrypted with the service secret');
}
