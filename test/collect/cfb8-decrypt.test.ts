import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { aesBlockEncryptor, decryptCfb8 } from '../../src/collect/cfb8-decrypt.js';

/** OpenSSL's own CFB8, byte after byte: the reference. */
function opensslCfb8(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-cfb8`, key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

describe('AES-CFB8 decryption through AES-ECB', () => {
  it('equals OpenSSL CFB8 for 128-, 192- and 256-bit keys and every length up to 80 bytes', () => {
    for (const keyBytes of [16, 24, 32]) {
      const key = randomBytes(keyBytes);
      const iv = randomBytes(16);
      const encryptor = aesBlockEncryptor(key);
      for (let length = 0; length <= 80; length++) {
        const ciphertext = randomBytes(length);
        assert.deepEqual(
          decryptCfb8(encryptor, iv, ciphertext),
          opensslCfb8(key, iv, ciphertext),
          `${keyBytes}/${length}`,
        );
      }
    }
  });

  it('equals OpenSSL CFB8 across its chunk boundaries and for a 40 KB message', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const encryptor = aesBlockEncryptor(key);
    for (const length of [2047, 2048, 2049, 2063, 2064, 4096, 4097, 40_000]) {
      const ciphertext = randomBytes(length);
      assert.deepEqual(decryptCfb8(encryptor, iv, ciphertext), opensslCfb8(key, iv, ciphertext), String(length));
    }
  });

  it('keeps no state between decryptions: one encryptor serves many messages, in any order', () => {
    const key = randomBytes(32);
    const encryptor = aesBlockEncryptor(key);
    const messages = Array.from({ length: 20 }, (_, i) => ({ iv: randomBytes(16), ciphertext: randomBytes(i * 37) }));
    for (const { iv, ciphertext } of [...messages, ...messages.reverse()]) {
      assert.deepEqual(decryptCfb8(encryptor, iv, ciphertext), opensslCfb8(key, iv, ciphertext));
    }
  });

  it('leaves its input untouched', () => {
    const ciphertext = randomBytes(300);
    const copy = Buffer.from(ciphertext);
    decryptCfb8(aesBlockEncryptor(randomBytes(16)), Buffer.alloc(16), ciphertext);
    assert.deepEqual(ciphertext, copy);
  });
});
