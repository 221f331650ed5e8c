import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveV2Key, openV2, sealV2 } from '../../src/collect/v2-gcm.js';
import { OTHER_SECRET, SECRET, V2_BODY, V2_IV_HEX, V2_KEY_HEX, V2_PLAINTEXT } from './vectors.js';

const BODY = JSON.parse(V2_BODY) as { v: 2; wsid: number; iv: string; data: string };

/** The vector's data with one bit of byte `at` flipped. */
function flipped(data: string, at: number): string {
  const bytes = Buffer.from(data, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('v2 (AES-256-GCM)', () => {
  it('derives the test vector key with HKDF-SHA256', () => {
    assert.equal(deriveV2Key(SECRET).toString('hex'), V2_KEY_HEX);
  });

  it('returns a copy of the derived key, so callers cannot corrupt the cache', () => {
    deriveV2Key(SECRET).fill(0);
    assert.equal(deriveV2Key(SECRET).toString('hex'), V2_KEY_HEX);
  });

  it('opens the test vector to its plaintext', () => {
    const bytes = openV2(BODY, SECRET);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.toString('utf8'), V2_PLAINTEXT);
  });

  it('seals the test vector plaintext to the vector body', () => {
    const sealed = sealV2(V2_PLAINTEXT, { wsid: 1, secret: SECRET, iv: Buffer.from(V2_IV_HEX, 'hex') });
    assert.equal(JSON.stringify(sealed), V2_BODY);
  });

  it('seals with a fresh random iv when none is given', () => {
    const a = sealV2(V2_PLAINTEXT, { wsid: 1, secret: SECRET });
    const b = sealV2(V2_PLAINTEXT, { wsid: 1, secret: SECRET });
    assert.notEqual(a.iv, b.iv);
    assert.equal(Buffer.from(a.iv, 'base64').length, 12);
    assert.equal((openV2(a, SECRET) as Buffer).toString(), V2_PLAINTEXT);
  });

  it('refuses a tampered v2 ciphertext', () => {
    assert.deepEqual(openV2({ ...BODY, data: flipped(BODY.data, 5) }, SECRET), {
      refused: 'decryption_failed',
      message: 'the data could not be decrypted with the service secret',
    });
  });

  it('refuses a tampered tag', () => {
    const last = Buffer.from(BODY.data, 'base64').length - 1;
    assert.equal(
      (openV2({ ...BODY, data: flipped(BODY.data, last) }, SECRET) as { refused: string }).refused,
      'decryption_failed',
    );
  });

  it('refuses the wrong key', () => {
    assert.equal((openV2(BODY, OTHER_SECRET) as { refused: string }).refused, 'decryption_failed');
  });

  it('refuses the request replayed under another wsid, which is bound in as AAD', () => {
    assert.equal((openV2({ ...BODY, wsid: 2 }, SECRET) as { refused: string }).refused, 'decryption_failed');
  });

  it('refuses an iv that is not 12 bytes', () => {
    assert.deepEqual(openV2({ ...BODY, iv: 'AAECAwQFBgcICQoLDA==' }, SECRET), {
      refused: 'invalid_field',
      message: 'iv must be 12 bytes',
    });
  });

  it('refuses bad base64 in the iv or the data', () => {
    assert.deepEqual(openV2({ ...BODY, iv: 'AAECAwQF*gcICQoL' }, SECRET), {
      refused: 'bad_base64',
      message: 'iv is not valid base64',
    });
    assert.deepEqual(openV2({ ...BODY, data: `${BODY.data}#` }, SECRET), {
      refused: 'bad_base64',
      message: 'data is not valid base64',
    });
  });

  it('refuses data too short to hold the tag', () => {
    assert.equal((openV2({ ...BODY, data: 'AAAA' }, SECRET) as { refused: string }).refused, 'invalid_field');
  });
});
