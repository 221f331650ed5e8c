/**
 * v2 (docs/protocol.md): AES-256-GCM with a key derived from the secret by HKDF, so
 * the secret itself never keys a cipher, and the service id bound in as AAD,
 * so a request cannot be replayed against another service sharing a secret.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type Refusal, refuse } from '../errors/refusal.js';
import { decodeBase64 } from './base64.js';
import { secretBytes } from './secret-bytes.js';

export const V2_IV_BYTES = 12;
export const V2_TAG_BYTES = 16;
const HKDF_INFO = 'tmon v2';

/**
 * HKDF costs a few µs and runs per request; services are few, so derived keys
 * are kept. Bounded (oldest dropped first) so rotating secrets cannot grow it
 * without limit. Keyed by the secret: a derived key is only useful to someone
 * who already holds the secret.
 */
const KEY_CACHE_MAX = 1024;
const keyCache = new Map<string, Buffer>();

export interface V2Envelope {
  v: 2;
  wsid: number;
  iv: string;
  data: string;
}

/** The AES-256 key for an ASCII secret (a fresh copy: callers may not mutate the cached one); throws otherwise. */
export function deriveV2Key(secret: string): Buffer {
  return Buffer.from(requireKey(secret));
}

export function openV2(req: { wsid: number; iv: string; data: string }, secret: string): Buffer | Refusal {
  const iv = decodeBase64(req.iv);
  if (iv === null) return refuse('bad_base64', 'iv is not valid base64');
  if (iv.length !== V2_IV_BYTES) return refuse('invalid_field', `iv must be ${V2_IV_BYTES} bytes`);
  const sealed = decodeBase64(req.data);
  if (sealed === null) return refuse('bad_base64', 'data is not valid base64');
  if (sealed.length < V2_TAG_BYTES) {
    return refuse('invalid_field', `data must hold the ciphertext and its ${V2_TAG_BYTES}-byte tag`);
  }
  const key = cachedKey(secret);
  if (key === null) return refuse('decryption_failed', 'the service secret cannot be used as a v2 key');
  const tagAt = sealed.length - V2_TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: V2_TAG_BYTES });
  decipher.setAAD(aad(req.wsid));
  decipher.setAuthTag(sealed.subarray(tagAt));
  const plaintext = decipher.update(sealed.subarray(0, tagAt));
  try {
    // final() is where GCM checks the tag: a wrong key, wsid or any flipped bit throws here.
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    return refuse('decryption_failed', 'the data could not be decrypted with the service secret');
  }
}

/** A v2 request body (clients, tools, tests). Pass `iv` only for fixed vectors: reusing one breaks GCM. */
export function sealV2(plaintext: string | Buffer, options: { wsid: number; secret: string; iv?: Buffer }): V2Envelope {
  const key = requireKey(options.secret);
  const iv = options.iv ?? randomBytes(V2_IV_BYTES);
  if (iv.length !== V2_IV_BYTES) throw new Error(`a v2 iv must be ${V2_IV_BYTES} bytes`);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: V2_TAG_BYTES });
  cipher.setAAD(aad(options.wsid));
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const data = Buffer.concat([cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
  return { v: 2, wsid: options.wsid, iv: iv.toString('base64'), data: data.toString('base64') };
}

function requireKey(secret: string): Buffer {
  const key = cachedKey(secret);
  if (key === null) throw new Error('a v2 secret must be ASCII');
  return key;
}

/** The derived key, or null for a secret that is not ASCII. */
function cachedKey(secret: string): Buffer | null {
  let key = keyCache.get(secret);
  if (key === undefined) {
    const ikm = secretBytes(secret);
    if (ikm === null) return null;
    key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), HKDF_INFO, 32));
    if (keyCache.size >= KEY_CACHE_MAX) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = keyCache.keys().next();
      if (!oldest.done) keyCache.delete(oldest.value);
    }
    keyCache.set(secret, key);
  }
  return key;
}

function aad(wsid: number): Buffer {
  return Buffer.from(`tmon:v2:${wsid}`, 'latin1');
}
