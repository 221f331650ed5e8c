import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, configFileSettings, loadConfig } from '../../src/config.js';
import { parseConfigFile } from '../../src/config-file.js';

describe('configuration', () => {
  it('uses the defaults of the quick setup: port 8000, ./data, SQLite', () => {
    const config = loadConfig({}, {}, '/srv/tmon');
    assert.equal(config.port, 8000);
    assert.equal(config.dataDir, path.resolve('/srv/tmon/data'));
    assert.equal(config.databaseUrl, null);
    assert.equal(config.stage, 'testing');
    assert.equal(config.debug, false);
    assert.equal(config.sqliteWriter, 'auto');
    assert.ok(Object.isFrozen(config));
  });

  it('prefers flags to TMON_* variables', () => {
    const config = loadConfig({ port: '9001', data: 'x' }, { TMON_PORT: '9000', TMON_DATA_DIR: 'y' }, '/srv');
    assert.equal(config.port, 9001);
    assert.equal(config.dataDir, path.resolve('/srv/x'));
  });

  it('reports every invalid setting at once', () => {
    assert.throws(
      () =>
        loadConfig(
          { port: 'eighty' },
          {
            TMON_DATABASE_URL: 'mysql://x',
            TMON_RETENTION_DAYS: '-3',
            TMON_ANONYMIZE_IP: 'maybe',
            TMON_LOG_LEVEL: 'loud',
            TMON_SQLITE_WRITER: 'elsewhere',
          },
          '/',
        ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 6);
        assert.match(error.message, /TMON_SQLITE_WRITER must be one of auto, thread, inline, got "elsewhere"/);
        assert.match(error.message, /--port\/TMON_PORT/);
        assert.match(error.message, /TMON_DATABASE_URL/);
        assert.match(error.message, /TMON_RETENTION_DAYS/);
        assert.match(error.message, /TMON_ANONYMIZE_IP/);
        assert.match(error.message, /TMON_LOG_LEVEL/);
        return true;
      },
    );
  });

  it('refuses TMON_DEBUG and insecure cookies in production', () => {
    assert.throws(
      () => loadConfig({}, { TMON_ENV: 'production', TMON_DEBUG: '1', TMON_COOKIE_SECURE: 'never' }, '/'),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 2,
    );
  });

  it('sends Secure cookies in production by default', () => {
    assert.equal(loadConfig({}, { TMON_ENV: 'production' }, '/').cookieSecurity, 'always');
    assert.equal(loadConfig({}, {}, '/').cookieSecurity, 'auto');
  });

  it('reads the connection limits, 10/30/72 s and 10,000 connections by default, none of them 0', () => {
    const defaults = loadConfig({}, {}, '/');
    assert.deepEqual(
      [
        defaults.headTimeoutSeconds,
        defaults.bodyTimeoutSeconds,
        defaults.keepAliveTimeoutSeconds,
        defaults.maxConnections,
      ],
      [10, 30, 72, 10_000],
    );
    const set = loadConfig(
      {},
      { TMON_HEAD_TIMEOUT: '2', TMON_BODY_TIMEOUT: '3', TMON_KEEPALIVE_TIMEOUT: '4', TMON_MAX_CONNECTIONS: '400' },
      '/',
    );
    assert.deepEqual(
      [set.headTimeoutSeconds, set.bodyTimeoutSeconds, set.keepAliveTimeoutSeconds, set.maxConnections],
      [2, 3, 4, 400],
    );
    assert.throws(
      () =>
        loadConfig(
          {},
          { TMON_HEAD_TIMEOUT: '0', TMON_BODY_TIMEOUT: '1.5', TMON_KEEPALIVE_TIMEOUT: 'x', TMON_MAX_CONNECTIONS: '0' },
          '/',
        ),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 4,
    );
  });

  it('reads TMON_TRUST_PROXY as a flag, a hop count or addresses', () => {
    assert.equal(loadConfig({}, { TMON_TRUST_PROXY: '1' }, '/').trustProxy, true);
    assert.equal(loadConfig({}, { TMON_TRUST_PROXY: '2' }, '/').trustProxy, 2);
    assert.equal(
      loadConfig({}, { TMON_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, '/').trustProxy,
      '10.0.0.0/8, 127.0.0.1',
    );
    assert.equal(loadConfig({}, {}, '/').trustProxy, false);
  });

  it('reads TMON_PUBLIC_URL as an http(s) URL with an optional path, without its trailing slash; unset is null', () => {
    const publicUrl = (value: string) => loadConfig({}, { TMON_PUBLIC_URL: value }, '/').publicUrl;
    assert.equal(loadConfig({}, {}, '/').publicUrl, null);
    assert.equal(publicUrl(''), null);
    assert.equal(publicUrl('https://tmon.example.com'), 'https://tmon.example.com');
    assert.equal(publicUrl(' https://tmon.example.com/ '), 'https://tmon.example.com');
    assert.equal(publicUrl('https://Example.COM:443/tmon//'), 'https://example.com/tmon');
    assert.equal(publicUrl('http://10.0.0.5:8000/a/b/'), 'http://10.0.0.5:8000/a/b');
  });

  it('refuses a TMON_PUBLIC_URL that is no URL, not http(s), has a query or fragment, or credentials (not shown)', () => {
    const refusal = (value: string) => {
      try {
        loadConfig({}, { TMON_PUBLIC_URL: value }, '/');
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 1);
        return error.problems[0];
      }
      assert.fail(`"${value}" was accepted`);
    };
    assert.equal(
      refusal('tmon.example.com'),
      'TMON_PUBLIC_URL must be a whole URL such as https://tmon.example.com, got "tmon.example.com"',
    );
    assert.equal(
      refusal('ftp://tmon.example.com'),
      'TMON_PUBLIC_URL must start with http:// or https://, got "ftp://tmon.example.com"',
    );
    assert.equal(
      refusal('https://tmon.example.com/?team=ops'),
      'TMON_PUBLIC_URL must have no query (?…) or fragment (#…): links add a path to it, got "https://tmon.example.com/?team=ops"',
    );
    assert.equal(
      refusal('https://tmon.example.com/#'),
      'TMON_PUBLIC_URL must have no query (?…) or fragment (#…): links add a path to it, got "https://tmon.example.com/#"',
    );
    assert.equal(
      refusal('https://ann:secret@tmon.example.com'),
      'TMON_PUBLIC_URL must not hold user:password@, got "https://***@tmon.example.com"',
    );
    assert.equal(
      refusal('https:ann:secret@tmon.example.com/tmon'),
      'TMON_PUBLIC_URL must not hold user:password@, got "https:***@tmon.example.com/tmon"',
    );
    // a scheme-less user:password@host reads as the scheme "ann:": refused, its password still not shown
    assert.equal(
      refusal('ann:secret@tmon.example.com'),
      'TMON_PUBLIC_URL must start with http:// or https://, got "ann:***@tmon.example.com"',
    );
    assert.equal(
      refusal('https://@tmon.example.com'),
      'TMON_PUBLIC_URL must not hold user:password@, got "https://***@tmon.example.com"',
    );
  });

  it("names the config file's line of a refused TMON_PUBLIC_URL", () => {
    const file = parseConfigFile(
      '/etc/tmon.conf',
      '# tmon\nTMON_PUBLIC_URL=ftp://tmon.example.com\n',
      configFileSettings(),
    );
    assert.throws(
      () => loadConfig({}, {}, '/', file),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        error.problems[0] ===
          'TMON_PUBLIC_URL must start with http:// or https://, got "ftp://tmon.example.com" (/etc/tmon.conf line 2)',
    );
    const fromFile = parseConfigFile(
      '/etc/tmon.conf',
      'TMON_PUBLIC_URL="https://example.com/tmon/"',
      configFileSettings(),
    );
    assert.equal(loadConfig({}, {}, '/', fromFile).publicUrl, 'https://example.com/tmon');
  });
});
