/**
 * contrib/tmon-logs-follow.service: passes `systemd-analyze verify` (skipped,
 * and saying so, where systemd-analyze is missing), and runs `tmon logs
 * follow` with the nginx format the admin page and docs/access-logs.md give,
 * its state and spool in its own state directory, readable logs (group adm)
 * and the token from an EnvironmentFile rather than the world-readable unit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compileLogFormat } from '../../src/logs/formats.js';
import { accessLogSetup } from '../../ui/src/admin/access-log-setup.js';
import { findProgram } from '../support/local-programs.js';
import { REPO } from '../support/tmon-process.js';

const UNIT = path.join(REPO, 'contrib/tmon-logs-follow.service');
const SYSTEMD_ANALYZE = findProgram('systemd-analyze');
const unit = readFileSync(UNIT, 'utf8');

function setting(name: string): string[] {
  return [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);
}

/** ExecStart's words as systemd splits them: quotes, `$$` → `$`, `%%` → `%`, `%S` → /var/lib */
function execStartWords(): string[] {
  const [line] = setting('ExecStart');
  assert.ok(line, 'the unit has an ExecStart');
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    const word = (match[1] ?? match[2] ?? match[3])!;
    assert.ok(!/\$[^$]|\$$/.test(word.replaceAll('$$', '')), `${word}: a lone $ is a variable to systemd`);
    words.push(word.replaceAll('$$', '$').replaceAll('%S', '/var/lib').replaceAll('%%', '%'));
  }
  return words;
}

describe('contrib/tmon-logs-follow.service', () => {
  it('passes systemd-analyze verify', {
    skip: SYSTEMD_ANALYZE === null ? 'systemd-analyze is not installed (systemd is not on this machine)' : false,
  }, () => {
    assert.ok(SYSTEMD_ANALYZE);
    const result = spawnSync(SYSTEMD_ANALYZE, ['verify', UNIT], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    // unknown keys and bad values are warnings with exit code 0: any line about the unit fails the test
    const aboutUnit = result.stderr.split('\n').filter((line) => line.includes('tmon-logs-follow.service'));
    assert.deepEqual(aboutUnit, []);
  });

  it("follows nginx's log with the admin page's format, its state and spool in the state directory", () => {
    const words = execStartWords();
    assert.deepEqual(words.slice(0, 5), ['/usr/bin/env', 'tmon', 'logs', 'follow', '/var/log/nginx/access.log']);
    const option = (name: string) => words[words.indexOf(name) + 1];
    const nginx = accessLogSetup('nginx', false);
    assert.equal(option('--format'), nginx.format);
    assert.equal(typeof compileLogFormat(option('--format')), 'function');
    assert.deepEqual(setting('StateDirectory'), ['tmon-logs-follow']);
    assert.match(option('--state') ?? '', /^\/var\/lib\/tmon-logs-follow\//);
    assert.match(option('--spool') ?? '', /^\/var\/lib\/tmon-logs-follow\//);
  });

  it('reads the server and token from an EnvironmentFile, as a user in the group that may read the logs', () => {
    assert.deepEqual(setting('EnvironmentFile'), ['/etc/tmon/logs-follow.env']);
    assert.ok(!/--token|--server/.test(setting('ExecStart').join(' ')), 'no token or server in the unit itself');
    assert.deepEqual(setting('SupplementaryGroups'), ['adm']);
    assert.deepEqual(setting('Restart'), ['on-failure']);
    assert.deepEqual(setting('ProtectSystem'), ['strict']);
  });
});
