/**
 * v2 (tmon's docs/protocol.md): a batch of events in one AES-256-GCM envelope. The key
 * comes from the secret through HKDF, so the secret never keys a cipher
 * itself; the service id is bound in as AAD. Each call seals with a fresh
 * random iv and the current `sent_at`: tmon refuses a repeated iv (replay) and
 * a `sent_at` more than 5 minutes off its clock, so a retry is sealed anew.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { EncodedRequest } from './encoded-request.js';

export const V2_MAX_EVENTS = 1000;
/** tmon's limit for a v2 body */
export const V2_MAX_BODY_BYTES = 1024 * 1024;
const IV_BYTES = 12;

/** HKDF runs once per secret, not per request. */
const keys = new Map<string, Buffer>();

export function deriveV2Key(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'latin1'), Buffer.alloc(0), 'tmon v2', 32));
    // a client holds one secret, rarely two: a tiny cache is enough, and it must not grow
    if (keys.size >= 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** The plaintext for events already serialised as JSON text. */
export function v2Plaintext(eventsJson: readonly string[], sentAt: number): string {
  return `{"sent_at":${sentAt},"events":[${eventsJson.join(',')}]}`;
}

/** `iv` only for test vectors: reusing an iv under one key breaks GCM. */
export function sealV2(plaintext: string, wsid: number, secret: string, iv: Buffer = randomBytes(IV_BYTES)): string {
  const cipher = createCipheriv('aes-256-gcm', deriveV2Key(secret), iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`tmon:v2:${wsid}`, 'latin1'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({ v: 2, wsid, iv: iv.toString('base64'), data: data.toString('base64') });
}

export function encodeV2(eventsJson: readonly string[], wsid: number, secret: string): EncodedRequest {
  return { contentType: 'application/json', body: sealV2(v2Plaintext(eventsJson, Date.now()), wsid, secret) };
}

/**
 * The largest plaintext that stays under the body limit once encrypted:
 * base64 grows it by 4/3; the envelope, iv and tag take well under 1 KiB.
 */
export const V2_MAX_PLAINTEXT_BYTES = Math.floor(((V2_MAX_BODY_BYTES - 1024) * 3) / 4);
