import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLogFormat } from '../../src/logs/formats.js';
import { isLogRefusal, type LogLineResult } from '../../src/logs/log-record.js';
import type { CorpusCase } from './corpus-case.js';
import { JSON_CORPUS } from './corpus-json.js';
import { MALFORMED_TEXT_CORPUS } from './corpus-malformed.js';
import { TEXT_CORPUS } from './corpus-text.js';

const ALL: CorpusCase[] = [...TEXT_CORPUS, ...MALFORMED_TEXT_CORPUS, ...JSON_CORPUS];

function assertWellFormed(result: LogLineResult, line: string): void {
  if (isLogRefusal(result)) {
    assert.equal(typeof result.refused, 'string', line);
    assert.ok(result.message.length > 0, line);
    return;
  }
  assert.equal(typeof result.url, 'string', line);
  assert.ok(Number.isFinite(result.ts), line);
  assert.equal(typeof result.useragent, 'string', line);
}

describe('a parser never throws', () => {
  it('on every prefix of every corpus line', () => {
    for (const corpusCase of ALL) {
      const parse = compileLogFormat(corpusCase.format, corpusCase.options);
      for (let end = 0; end <= corpusCase.line.length; end++) {
        const line = corpusCase.line.slice(0, end);
        assertWellFormed(parse(line), line);
      }
    }
  });

  it('on random bytes and on corpus lines with characters replaced, in every preset', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const parsers = ['combined', 'common', 'vhost_combined', 'json'].map((format) => compileLogFormat(format));
    for (let round = 0; round < 2000; round++) {
      const source = ALL[Math.floor(random() * ALL.length)]!.line.split('');
      const noise = ' "[]\\x{}:-/\u0000\uFFFD%$';
      for (let change = 0; change < 3; change++) {
        source[Math.floor(random() * source.length)] = noise[Math.floor(random() * noise.length)]!;
      }
      const line =
        round % 10 === 0 ? String.fromCharCode(...Array.from({ length: 40 }, () => random() * 256)) : source.join('');
      for (const parse of parsers) assertWellFormed(parse(line), line);
    }
  });
});
