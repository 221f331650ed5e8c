import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptGen1, encryptGen1 } from '../../src/collect/gen1-aes.js';
import { EVENT_JSON, formValue, GEN1_BODY, OTHER_SECRET, SECRET } from './vectors.js';

describe('Gen 1 (AES-CFB8)', () => {
  it('decrypts the test vector to its JSON', () => {
    const bytes = decryptGen1(formValue(GEN1_BODY, 'data'), SECRET);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.toString('utf8'), EVENT_JSON);
  });

  it('encrypts the test vector JSON to the vector', () => {
    assert.equal(encryptGen1(EVENT_JSON, SECRET), formValue(GEN1_BODY, 'data'));
  });

  it('decrypts to noise, not JSON, under the wrong key', () => {
    const bytes = decryptGen1(formValue(GEN1_BODY, 'data'), OTHER_SECRET);
    assert.ok(Buffer.isBuffer(bytes));
    assert.notEqual(bytes.toString('latin1'), EVENT_JSON);
  });

  it('refuses bad base64', () => {
    assert.deepEqual(decryptGen1('wH2j$EPW', SECRET), { refused: 'bad_base64', message: 'data is not valid base64' });
  });

  it('uses AES-128 and AES-192 for 16- and 24-character secrets, like the Python client', () => {
    for (const secret of ['0123456789abcdef', '0123456789abcdef01234567']) {
      const bytes = decryptGen1(encryptGen1(EVENT_JSON, secret), secret);
      assert.ok(Buffer.isBuffer(bytes));
      assert.equal(bytes.toString(), EVENT_JSON);
    }
  });

  it('refuses a secret of any other length or with non-ASCII characters as decryption_failed', () => {
    for (const secret of ['short', `${SECRET}x`, `${SECRET.slice(0, 31)}é`]) {
      assert.equal((decryptGen1('AAAA', secret) as { refused: string }).refused, 'decryption_failed', secret);
      assert.throws(() => encryptGen1(EVENT_JSON, secret));
    }
  });
});
