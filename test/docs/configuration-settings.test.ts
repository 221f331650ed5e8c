/** docs/configuration.md's settings table lists exactly the settings config.ts reads, each once. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config.js';
import { REPO } from '../support/tmon-process.js';

describe("docs/configuration.md's settings table", () => {
  it('has one row per setting and no row config.ts does not read', async () => {
    const doc = await readFile(path.join(REPO, 'docs/configuration.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `(TMON_[A-Z_]+)`/gm)].map((match) => match[1]);
    assert.deepEqual(rows, [...new Set(rows)], 'a setting has two rows');
    assert.deepEqual([...rows].sort(), Object.keys(SETTINGS).sort());
  });

  it('is the only settings table: the README links to it instead', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /^\| `TMON_[A-Z_]+`/m);
    assert.match(readme, /\(docs\/configuration\.md\)/);
  });
});
