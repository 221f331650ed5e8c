/**
 * docs/errors.md's table and the error catalogue (src/errors/catalogue.ts)
 * agree both ways: every code once, with its status and where it is
 * answered, and no code the catalogue does not have. The pages that
 * describe answers link to it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, type ErrorPlace } from '../../src/errors/catalogue.js';
import { REPO } from '../support/tmon-process.js';

const PLACE_WORDS: Record<string, ErrorPlace> = { collect: 'collect', API: 'api', both: 'both' };

interface DocRow {
  code: string;
  status: number;
  place: ErrorPlace | undefined;
}

/** The table's rows: `| \`code\` | status | where | … |`. */
function docRows(doc: string): DocRow[] {
  return [...doc.matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \| ([A-Za-z]+) \|/gm)].map(([, code, status, where]) => ({
    code: code as string,
    status: Number(status),
    place: PLACE_WORDS[where as string],
  }));
}

describe("docs/errors.md's table of codes", () => {
  it('lists every code of the catalogue once, with its status and where it is answered, and nothing else', async () => {
    const rows = docRows(await readFile(path.join(REPO, 'docs/errors.md'), 'utf8'));
    const codes = rows.map((row) => row.code);
    assert.deepEqual(codes, [...new Set(codes)], 'a code has two rows');
    assert.deepEqual([...codes].sort(), Object.keys(ERROR_CATALOGUE).sort());
    for (const row of rows) {
      const entry = ERROR_CATALOGUE[row.code as keyof typeof ERROR_CATALOGUE];
      assert.deepEqual(
        { code: row.code, status: row.status, place: row.place },
        { code: row.code, status: entry.status, place: entry.place },
      );
    }
  });

  it('is linked from the protocol page, the API page and the README', async () => {
    for (const [file, link] of [
      ['docs/protocol.md', '(errors.md)'],
      ['docs/api.md', '(errors.md)'],
      ['README.md', '(docs/errors.md)'],
    ] as const) {
      const text = await readFile(path.join(REPO, file), 'utf8');
      assert.ok(text.includes(link), `${file} does not link to ${link}`);
    }
  });
});
