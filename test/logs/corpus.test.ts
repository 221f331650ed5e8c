import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLogFormat } from '../../src/logs/formats.js';
import { isLogRefusal } from '../../src/logs/log-record.js';
import type { CorpusCase } from './corpus-case.js';
import { JSON_CORPUS } from './corpus-json.js';
import { MALFORMED_TEXT_CORPUS } from './corpus-malformed.js';
import { TEXT_CORPUS } from './corpus-text.js';

function check(corpusCase: CorpusCase): void {
  const parse = compileLogFormat(corpusCase.format, corpusCase.options);
  const result = parse(corpusCase.line);
  if ('refused' in corpusCase.expected) {
    assert.ok(isLogRefusal(result), `expected a refusal, got ${JSON.stringify(result)}`);
    assert.equal(result.refused, corpusCase.expected.refused, result.message);
    assert.ok(result.message.length > 0);
  } else {
    assert.deepEqual(result, corpusCase.expected);
  }
}

describe('text access logs: the corpus', () => {
  for (const corpusCase of TEXT_CORPUS) it(corpusCase.name, () => check(corpusCase));
});

describe('text access logs: malformed lines', () => {
  for (const corpusCase of MALFORMED_TEXT_CORPUS) it(corpusCase.name, () => check(corpusCase));
});

describe('JSON access logs: the corpus', () => {
  for (const corpusCase of JSON_CORPUS) it(corpusCase.name, () => check(corpusCase));
});
