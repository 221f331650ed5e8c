/**
 * The original T-Mon's two protocols (tmon's docs/protocol.md), for servers and
 * services that speak only those: one event per form-urlencoded request.
 * Gen 1 encrypts but does not authenticate; Gen 2 authenticates but sends the
 * JSON in clear. Prefer v2 wherever the server is tmon.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import type { EncodedRequest } from './encoded-request.js';

const FORM = 'application/x-www-form-urlencoded';

/** The protocol fixes the IV at zero and lets the key length pick AES-128/192/256. */
const ZERO_IV = Buffer.alloc(16);
const GEN1_CIPHERS: Readonly<Record<number, string>> = { 16: 'aes-128-cfb8', 24: 'aes-192-cfb8', 32: 'aes-256-cfb8' };

/** Gen 1's `data`: base64 of the JSON encrypted with AES-CFB8, key = the secret's bytes, zero IV. */
export function encryptGen1(json: string, secret: string): string {
  const key = Buffer.from(secret, 'latin1');
  const name = GEN1_CIPHERS[key.length];
  if (name === undefined) throw new Error('a Gen 1 secret must be 16, 24 or 32 characters');
  const cipher = createCipheriv(name, key, ZERO_IV);
  return Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]).toString('base64');
}

/** Gen 2's `data` and `signature`: the JSON in base64, HMAC-SHA1 over exactly those bytes. */
export function signGen2(json: string, secret: string): { data: string; signature: string } {
  const bytes = Buffer.from(json, 'utf8');
  const signature = createHmac('sha1', Buffer.from(secret, 'latin1')).update(bytes).digest('hex');
  return { data: bytes.toString('base64'), signature };
}

export function encodeGen1(eventJson: string, wsid: number, secret: string): EncodedRequest {
  const body = new URLSearchParams({ wsid: String(wsid), data: encryptGen1(eventJson, secret) });
  return { contentType: FORM, body: body.toString() };
}

export function encodeGen2(eventJson: string, wsid: number, secret: string): EncodedRequest {
  const { data, signature } = signGen2(eventJson, secret);
  return { contentType: FORM, body: new URLSearchParams({ wsid: String(wsid), data, signature }).toString() };
}
