/**
 * Gen 2 (docs/protocol.md): the JSON travels in clear (base64), signed with
 * HMAC-SHA1 over exactly the decoded bytes — never a re-serialisation, which
 * could differ in whitespace or key order from what the sender signed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Refusal, refuse } from '../errors/refusal.js';
import { decodeBase64 } from './base64.js';
import { secretBytes } from './secret-bytes.js';

/** HMAC-SHA1 is 20 bytes, 40 hex digits. */
const SIGNATURE_HEX = /^[0-9a-fA-F]{40}$/;

export function verifyGen2(data: string, signature: string, secret: string): Buffer | Refusal {
  const payload = decodeBase64(data);
  if (payload === null) return refuse('bad_base64', 'data is not valid base64');
  if (!SIGNATURE_HEX.test(signature)) return refuse('bad_signature', 'signature must be 40 hex digits (HMAC-SHA1)');
  const key = secretBytes(secret);
  if (key === null) return refuse('bad_signature', 'the service secret cannot be used as a Gen 2 key');
  const expected = hmacSha1(payload, key);
  const given = Buffer.from(signature, 'hex');
  // Lengths are equal by the pattern above; the guard keeps timingSafeEqual from throwing if that ever changes.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse('bad_signature', 'the signature does not match the data');
  }
  return payload;
}

/** The Gen 2 `data` and `signature` fields for a JSON payload (clients, tools, tests). */
export function signGen2(json: string | Buffer, secret: string): { data: string; signature: string } {
  const key = secretBytes(secret);
  if (key === null) throw new Error('a Gen 2 secret must be ASCII');
  const payload = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return { data: payload.toString('base64'), signature: hmacSha1(payload, key).toString('hex') };
}

function hmacSha1(payload: Buffer, key: Buffer): Buffer {
  return createHmac('sha1', key).update(payload).digest();
}
