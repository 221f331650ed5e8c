/**
 * Gen 1 (SPEC §3.1): AES-CFB8, key = the secret's ASCII bytes, zero IV, no
 * padding. Unauthenticated: a wrong key decrypts to noise rather than failing,
 * so the caller judges the result by whether it parses (see open-request.ts).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { type Refusal, refuse } from '../ingest/refusal.js';
import { decodeBase64 } from './base64.js';
import { secretBytes } from './secret-bytes.js';

/** The protocol fixes the IV at zero: every message under one key shares it. */
const ZERO_IV = Buffer.alloc(16);

/** The original's Python client let the key length pick the AES variant. */
const CIPHER_BY_KEY_LENGTH: Readonly<Record<number, string>> = {
  16: 'aes-128-cfb8',
  24: 'aes-192-cfb8',
  32: 'aes-256-cfb8',
};

export function decryptGen1(dataBase64: string, secret: string): Buffer | Refusal {
  const ciphertext = decodeBase64(dataBase64);
  if (ciphertext === null) return refuse('bad_base64', 'data is not valid base64');
  const cipher = gen1Cipher(secret);
  if (cipher === null) return refuse('decryption_failed', 'the service secret cannot be used as a Gen 1 key');
  const decipher = createDecipheriv(cipher.name, cipher.key, ZERO_IV);
  // CFB8 is a stream mode: final() never throws and adds nothing.
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The Gen 1 `data` field for a JSON payload (clients, tools, tests). */
export function encryptGen1(json: string | Buffer, secret: string): string {
  const cipher = gen1Cipher(secret);
  if (cipher === null) throw new Error('a Gen 1 secret must be 16, 24 or 32 ASCII characters');
  const encipher = createCipheriv(cipher.name, cipher.key, ZERO_IV);
  const plaintext = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return Buffer.concat([encipher.update(plaintext), encipher.final()]).toString('base64');
}

function gen1Cipher(secret: string): { name: string; key: Buffer } | null {
  const key = secretBytes(secret);
  const name = key === null ? undefined : CIPHER_BY_KEY_LENGTH[key.length];
  return key === null || name === undefined ? null : { name, key };
}
