/**
 * Which errors mean "the database or Redis is out of reach" (answered 503
 * with Retry-After) and which are bugs (500). The real cuts are in
 * test/scale/outages.test.ts; this pins the codes no test can cause at will.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { isBackendUnavailable } from '../../src/store/unavailable.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const pgError = (code: string) => Object.assign(new pg.DatabaseError('server said no', 0, 'error'), { code });

describe('isBackendUnavailable', () => {
  const outOfReach: [string, unknown][] = [
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a dual-stack connect refused twice', new AggregateError([withCode('refused', 'ECONNREFUSED')], 'connect failed')],
    ['pg: the connection ended', new Error('Connection terminated unexpectedly')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['pg: a class 08 SQLSTATE', pgError('08006')],
    ['pg: the server shutting down', pgError('57P01')],
    ['pg: too many connections', pgError('53300')],
    ['pg: statement_timeout', pgError('57014')],
    ['ioredis: the connection is closed', new Error('Connection is closed.')],
    ['ioredis: commandTimeout', new Error('Command timed out')],
    ['SQLite: locked by another process', new Database.SqliteError('database is locked', 'SQLITE_BUSY')],
    ['SQLite: the disk is full', new Database.SqliteError('database or disk is full', 'SQLITE_FULL')],
    ['SQLite: an I/O error', new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE')],
    ['a wrapper whose cause is out of reach', new Error('query failed', { cause: withCode('x', 'ETIMEDOUT') })],
  ];
  for (const [what, error] of outOfReach) {
    it(`answers 503 for ${what}`, () => assert.equal(isBackendUnavailable(error), true));
  }

  const bugs: [string, unknown][] = [
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['pg: a syntax error', pgError('42601')],
    ['pg: a unique violation', pgError('23505')],
    ['SQLite: a constraint', new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a file that is not there', withCode('ENOENT: no such file', 'ENOENT')],
    ['something that is not an Error', 'ECONNREFUSED'],
  ];
  for (const [what, error] of bugs) {
    it(`leaves ${what} a 500`, () => assert.equal(isBackendUnavailable(error), false));
  }
});
