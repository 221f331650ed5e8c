import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, tmonCli } from '../support/tmon-process.js';

describe('tmon --version and tmon help <command>', () => {
  it('prints the version of its package.json', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const res = tmonCli(['--version']);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, `${version}\n`);
  });

  it("prints one command's usage and nothing else", () => {
    const res = tmonCli(['help', 'service']);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^tmon service /);
    assert.doesNotMatch(res.stdout, /tmon serve /);
  });

  it('exits 2 naming every command for an unknown one', () => {
    for (const name of ['nonsense', 'constructor']) {
      const res = tmonCli(['help', name]);
      assert.equal(res.status, 2);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, new RegExp(`unknown command "${name}"`));
      assert.match(res.stderr, /serve, user, service, token/);
    }
  });
});
