/**
 * No tracked file cites the specification tmon was built from by its
 * sections: it is not in the repository, so code, tests and docs name the
 * docs page that holds the rule (docs/protocol.md, docs/security.md, …) or
 * say it in their own words.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../support/tmon-process.js';

/** Split so that this file does not cite what it looks for. */
const NEEDLE = ['SPEC', '§'].join(' ');

describe('citations of the specification', () => {
  it('are in no tracked file', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '');
    assert.ok(files.length > 0, 'git ls-files listed no files');
    const citing = files.filter((file) => {
      const absolute = path.join(REPO, file);
      return existsSync(absolute) && readFileSync(absolute, 'utf8').includes(NEEDLE);
    });
    assert.deepEqual(citing, []);
  });
});
