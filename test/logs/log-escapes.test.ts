import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogEscapes } from '../../src/logs/log-escapes.js';

describe('decodeLogEscapes', () => {
  it('returns text without a backslash unchanged', () => {
    assert.equal(decodeLogEscapes('Mozilla/5.0 (X11; Linux x86_64)'), 'Mozilla/5.0 (X11; Linux x86_64)');
  });

  it("decodes nginx's \\xHH, upper or lower case, as UTF-8 together with the text around it", () => {
    assert.equal(decodeLogEscapes('say \\x22hi\\x22'), 'say "hi"');
    assert.equal(decodeLogEscapes('caf\\xc3\\xa9 \\xE2\\x9C\\x93'), 'café ✓');
    assert.equal(decodeLogEscapes('\\x5C'), '\\');
  });

  it('decodes Apache\'s \\" \\\\ and control-character escapes', () => {
    assert.equal(decodeLogEscapes('a \\"b\\" C:\\\\x'), 'a "b" C:\\x');
    assert.equal(decodeLogEscapes('1\\t2\\n3\\r\\b\\v'), '1\t2\n3\r\b\v');
  });

  it('writes U+FFFD for bytes that are not UTF-8', () => {
    assert.equal(decodeLogEscapes('\\xff\\xfe ok'), '\uFFFD\uFFFD ok');
    assert.equal(decodeLogEscapes('cut \\xC3'), 'cut \uFFFD');
  });

  it('keeps raw non-ASCII text beside escaped bytes', () => {
    assert.equal(decodeLogEscapes('é \\x22'), 'é "');
  });

  it('leaves a backslash that starts no escape as it is', () => {
    assert.equal(decodeLogEscapes('a\\qb \\x4 end\\'), 'a\\qb \\x4 end\\');
  });
});
