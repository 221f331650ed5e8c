/** The README's settings table lists exactly the settings config.ts reads, each once. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config.js';
import { REPO } from '../support/tmon-process.js';

describe("the README's settings table", () => {
  it('has one row per setting and no row config.ts does not read', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(TMON_[A-Z_]+)`/gm)].map((match) => match[1]);
    assert.deepEqual(rows, [...new Set(rows)], 'a setting has two rows');
    assert.deepEqual([...rows].sort(), Object.keys(SETTINGS).sort());
  });
});
