import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

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
});
