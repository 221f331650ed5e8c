import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, configFileSettings, loadConfig, loadProcessConfig } from '../../src/config.js';
import { parseConfigFile } from '../../src/config-file.js';

const parse = (text: string) => parseConfigFile('/etc/tmon/tmon.conf', text, configFileSettings());

describe('the config file', () => {
  it('reads TMON_* lines, skipping comments and blank lines, and removing quotes', () => {
    const file = parse(
      [
        '# tmon on this server',
        '',
        'TMON_PORT=9000',
        '  TMON_HOST = 0.0.0.0  ',
        'TMON_ADMIN_PASSWORD="a #secret with spaces"',
        "TMON_DATA_DIR='/var/lib/tmon'",
        'export TMON_LOG_LEVEL=warn',
      ].join('\n'),
    );
    assert.deepEqual(file.problems, []);
    assert.deepEqual(file.values, {
      TMON_PORT: '9000',
      TMON_HOST: '0.0.0.0',
      TMON_ADMIN_PASSWORD: 'a #secret with spaces',
      TMON_DATA_DIR: '/var/lib/tmon',
      TMON_LOG_LEVEL: 'warn',
    });
    assert.equal(file.lines.TMON_HOST, 4);
  });

  it('reports every malformed line, unknown name and repeated name with its line number, never its value', () => {
    const file = parse(
      [
        'TMON_PORT=9000',
        'TMON_ADMIN_PASSWORD hunter2-secret',
        'TMON_ADMIN_PASWORD=hunter2-secret',
        'PORT=80',
        'TMON_DATABASE_URL="postgres://tmon:hunter2-secret@db/tmon',
        'TMON_PORT=9001',
        'TMON_CONFIG=/etc/other.conf',
      ].join('\r\n'),
    );
    assert.deepEqual(file.problems, [
      '/etc/tmon/tmon.conf line 2: not a TMON_NAME=value line',
      '/etc/tmon/tmon.conf line 3: unknown setting TMON_ADMIN_PASWORD',
      '/etc/tmon/tmon.conf line 4: unknown setting PORT (settings start with TMON_)',
      "/etc/tmon/tmon.conf line 5: TMON_DATABASE_URL's value opens a quote it does not close",
      '/etc/tmon/tmon.conf line 6: TMON_PORT is set again (first on line 1)',
      '/etc/tmon/tmon.conf line 7: unknown setting TMON_CONFIG',
    ]);
    assert.ok(!file.problems.join('\n').includes('hunter2'));
  });

  it('is beaten by the environment, which is beaten by flags; defaults come last', () => {
    const file = parse('TMON_PORT=9000\nTMON_HOST=0.0.0.0\nTMON_RETENTION_DAYS=30\nTMON_SESSION_DAYS=7\n');
    const config = loadConfig(
      { port: '9002' },
      { TMON_PORT: '9001', TMON_HOST: '10.0.0.1', TMON_SESSION_DAYS: '' },
      '/',
      file,
    );
    assert.equal(config.port, 9002, 'the flag beats the environment and the file');
    assert.equal(config.host, '10.0.0.1', 'the environment beats the file');
    assert.equal(config.retentionDays, 30, 'the file beats the default');
    assert.equal(config.sessionDays, 7, 'an empty variable counts as unset');
    assert.equal(config.secretGraceHours, 24, 'the default where nothing sets it');
  });

  it("validates the file's values as the environment's, with the file's problems and the environment's in one error", () => {
    const file = parse(
      'oops\nTMON_RETENTION_DAYS=-3\nTMON_DATABASE_URL=mysql://tmon:hunter2-secret@db/tmon\nTMON_ADMIN_PASSWORD=hunter2-secret\n',
    );
    assert.throws(
      () => loadConfig({}, { TMON_LOG_LEVEL: 'loud' }, '/', file),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        assert.match(error.message, /tmon\.conf line 1: not a TMON_NAME=value line/);
        assert.match(
          error.message,
          /TMON_RETENTION_DAYS must be an integer from 0 to 36500, got "-3" \(\/etc\/tmon\/tmon\.conf line 2\)/,
        );
        assert.match(
          error.message,
          /TMON_DATABASE_URL must start with postgres:\/\/ .* \(\/etc\/tmon\/tmon\.conf line 3\)/,
        );
        assert.match(error.message, /TMON_LOG_LEVEL must be one of .*"loud"$/m);
        assert.ok(!error.message.includes('hunter2'), 'no secret of the file in the error');
        return true;
      },
    );
  });
});

describe('tmon serve --config: reading the file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-config-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file named by --config, and warns when every user may read it', async () => {
    const file = path.join(dir, 'tmon.conf');
    await writeFile(file, 'TMON_RETENTION_DAYS=12\nTMON_ADMIN_PASSWORD=hunter2-secret\n');
    await chmod(file, 0o644);
    const warnings: string[] = [];
    const config = loadProcessConfig({ config: file }, (message) => warnings.push(message));
    assert.equal(config.retentionDays, 12);
    assert.equal(config.adminPassword, 'hunter2-secret');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /readable by every user .*mode 644.*chmod 640/);

    await chmod(file, 0o640);
    warnings.length = 0;
    loadProcessConfig({ config: file }, (message) => warnings.push(message));
    assert.deepEqual(warnings, [], 'readable by its owner and group only: no warning');
  });

  it('reports a file it cannot read as a configuration problem', () => {
    assert.throws(
      () => loadProcessConfig({ config: path.join(dir, 'missing.conf') }, () => {}),
      (error: unknown) =>
        error instanceof ConfigError && /cannot read the config file .*missing\.conf \(ENOENT\)/.test(error.message),
    );
  });
});
