import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64 } from '../../src/collect/base64.js';

describe('decodeBase64', () => {
  it('decodes standard padded base64', () => {
    assert.deepEqual(decodeBase64('aGk='), Buffer.from('hi'));
    assert.deepEqual(decodeBase64('aA=='), Buffer.from('h'));
    assert.deepEqual(decodeBase64(''), Buffer.alloc(0));
  });

  it('tolerates missing padding', () => {
    assert.deepEqual(decodeBase64('aGk'), Buffer.from('hi'));
    assert.deepEqual(decodeBase64('aA'), Buffer.from('h'));
  });

  it('refuses characters outside the standard alphabet that Buffer.from would skip', () => {
    for (const text of ['aG$k', 'aG k', 'aGk\n', 'a-_b', 'aGk=x']) assert.equal(decodeBase64(text), null, text);
  });

  it('refuses wrong padding, a lone leftover digit and non-zero spare bits', () => {
    for (const text of ['aGk==', 'aA=', 'a===', 'aGVsb', 'aB==', 'aGl=']) assert.equal(decodeBase64(text), null, text);
  });
});
