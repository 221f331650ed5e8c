import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signGen2, verifyGen2 } from '../../src/collect/gen2-hmac.js';
import { EVENT_JSON, formValue, GEN2_BODY, OTHER_SECRET, SECRET } from './vectors.js';

const DATA = formValue(GEN2_BODY, 'data');
const SIGNATURE = formValue(GEN2_BODY, 'signature');

describe('Gen 2 (HMAC-SHA1)', () => {
  it('verifies the test vector and returns its JSON bytes', () => {
    const bytes = verifyGen2(DATA, SIGNATURE, SECRET);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.toString('utf8'), EVENT_JSON);
  });

  it('signs the test vector JSON to the vector', () => {
    assert.deepEqual(signGen2(EVENT_JSON, SECRET), { data: DATA, signature: SIGNATURE });
  });

  it('refuses a wrong signature', () => {
    const wrong = `${SIGNATURE.slice(0, -1)}0`;
    assert.deepEqual(verifyGen2(DATA, wrong, SECRET), {
      refused: 'bad_signature',
      message: 'the signature does not match the data',
    });
  });

  it('refuses a signature made with another secret', () => {
    assert.equal((verifyGen2(DATA, SIGNATURE, OTHER_SECRET) as { refused: string }).refused, 'bad_signature');
  });

  it('refuses data changed after signing, even when it re-serialises to the same JSON', () => {
    const respaced = Buffer.from('{"url":"/","ip":"8.8.8.8","useragent":"x"}').toString('base64');
    assert.equal((verifyGen2(respaced, SIGNATURE, SECRET) as { refused: string }).refused, 'bad_signature');
  });

  it('refuses a signature of the wrong length or alphabet without throwing', () => {
    for (const signature of ['', 'abc', `${SIGNATURE}00`, `${SIGNATURE.slice(0, -1)}g`]) {
      assert.deepEqual(verifyGen2(DATA, signature, SECRET), {
        refused: 'bad_signature',
        message: 'signature must be 40 hex digits (HMAC-SHA1)',
      });
    }
  });

  it('refuses bad base64 before checking the signature', () => {
    assert.deepEqual(verifyGen2('eyJ1c!mwi', SIGNATURE, SECRET), {
      refused: 'bad_base64',
      message: 'data is not valid base64',
    });
  });
});
