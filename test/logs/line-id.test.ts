import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { FIRST_LINE_BYTES, firstLineHash, lineId } from '../../src/logs/line-id.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const sha16 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex').slice(0, 16);

describe('line ids', () => {
  it('names a file by the hash of its first line, without the newline', () => {
    const first = '203.0.113.9 - - [07/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5';
    assert.equal(firstLineHash(bytes(`${first}\nsecond line\n`), false), sha16(bytes(first)));
  });

  it('gives the same hash while the file grows past its first line', () => {
    const grown = [bytes('first\n'), bytes('first\nsecond\n'), bytes(`first\n${'x'.repeat(5000)}\n`)];
    const hashes = new Set(grown.map((head) => firstLineHash(head, false)));
    assert.equal(hashes.size, 1);
  });

  it('waits for an incomplete first line unless the content ends there', () => {
    assert.equal(firstLineHash(bytes('half a li'), false), null);
    assert.equal(firstLineHash(bytes(''), false), null);
    assert.equal(firstLineHash(bytes('half a li'), true), sha16(bytes('half a li')));
  });

  it('names a file whose first line is longer than 1024 bytes by its first 1024 bytes', () => {
    const long = 'y'.repeat(FIRST_LINE_BYTES + 300);
    const expected = sha16(bytes(long.slice(0, FIRST_LINE_BYTES)));
    assert.equal(firstLineHash(bytes(long), false), expected);
    assert.equal(firstLineHash(bytes(`${long}\nnext\n`), false), expected);
    assert.equal(firstLineHash(bytes(long.slice(0, FIRST_LINE_BYTES)), false), expected);
  });

  it('tells apart files whose first lines differ', () => {
    assert.notEqual(firstLineHash(bytes('a\nsame\n'), false), firstLineHash(bytes('b\nsame\n'), false));
  });

  it('writes l1-, the file hash and the decimal byte offset, short enough for an event id', () => {
    const hash = firstLineHash(bytes('first\n'), false) as string;
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(lineId(hash, 0), `l1-${hash}-0`);
    const far = lineId(hash, Number.MAX_SAFE_INTEGER);
    assert.equal(far, `l1-${hash}-9007199254740991`);
    assert.ok(far.length <= 64, 'tmon keeps ids of up to 64 characters');
  });
});
