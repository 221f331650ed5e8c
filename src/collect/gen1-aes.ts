/**
 * Gen 1 (docs/protocol.md): AES-CFB8, key = the secret's ASCII bytes, zero IV, no
 * padding. Unauthenticated: a wrong key decrypts to noise rather than failing,
 * so the caller judges the result by whether it parses (see open-request.ts).
 */
import { type Cipher, createCipheriv } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { type Refusal, refuse } from '../errors/refusal.js';
import { decodeBase64 } from './base64.js';
import { aesBlockEncryptor, decryptCfb8 } from './cfb8-decrypt.js';
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
  const blockEncryptor = blockEncryptorFor(secret);
  if (blockEncryptor === null) return refuse('decryption_failed', 'the service secret cannot be used as a Gen 1 key');
  return decryptCfb8(blockEncryptor, ZERO_IV, ciphertext);
}

/**
 * Each Gen 1 secret's AES block encryptor, kept: building one (key schedule,
 * OpenSSL context) costs ~1.5 µs, a quarter of decrypting a typical event. Keyed by
 * the secret itself, so a rotated secret simply stops being asked for and
 * ages out; the bound keeps a server with many legacy services from holding
 * one per service forever.
 */
const blockEncryptors = new LRUCache<string, Cipher>({ max: 1_000 });

function blockEncryptorFor(secret: string): Cipher | null {
  const cached = blockEncryptors.get(secret);
  if (cached !== undefined) return cached;
  const cipher = gen1Cipher(secret);
  if (cipher === null) return null;
  const blockEncryptor = aesBlockEncryptor(cipher.key);
  blockEncryptors.set(secret, blockEncryptor);
  return blockEncryptor;
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
