import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apacheTimeReader } from '../../src/logs/apache-time.js';
import { LogFormatError } from '../../src/logs/log-record.js';
import { parseAnyTime, parseClfTime, parseEpochSeconds, parseIsoTime } from '../../src/logs/log-time.js';

describe('parseClfTime', () => {
  it('reads the time in its own zone', () => {
    assert.equal(parseClfTime('10/Oct/2000:13:55:36 -0700'), Date.UTC(2000, 9, 10, 20, 55, 36));
    assert.equal(parseClfTime('10/Oct/2000:13:55:36 +0530'), Date.UTC(2000, 9, 10, 8, 25, 36));
    assert.equal(parseClfTime('10/Oct/2000:13:55:36 +0000'), Date.UTC(2000, 9, 10, 13, 55, 36));
  });

  it('reads lines of several days in turn (the day is remembered between calls)', () => {
    assert.equal(parseClfTime('31/Dec/2025:23:59:59 +0000'), Date.UTC(2025, 11, 31, 23, 59, 59));
    assert.equal(parseClfTime('01/Jan/2026:00:00:01 +0000'), Date.UTC(2026, 0, 1, 0, 0, 1));
    assert.equal(parseClfTime('31/Dec/2025:23:59:58 +0000'), Date.UTC(2025, 11, 31, 23, 59, 58));
  });

  it('accepts 29 February of a leap year only', () => {
    assert.equal(parseClfTime('29/Feb/2024:12:00:00 +0000'), Date.UTC(2024, 1, 29, 12));
    assert.ok(Number.isNaN(parseClfTime('29/Feb/2025:12:00:00 +0000')));
  });

  it('refuses what is not such a time', () => {
    for (const text of [
      '',
      '10/Oct/2000:13:55:36',
      '10/Okt/2000:13:55:36 +0000',
      '10/Oct/2000:24:00:00 +0000',
      '10/Oct/2000:13:61:00 +0000',
      '10/Oct/2000:13:55:36 +2400',
      '10/Oct/2000:13:55:36 0000x',
      '1O/Oct/2000:13:55:36 +0000',
      '32/Oct/2000:13:55:36 +0000',
    ]) {
      assert.ok(Number.isNaN(parseClfTime(text)), text);
    }
  });
});

describe('parseIsoTime', () => {
  it('reads offsets, Z, and fractions down to the nanosecond', () => {
    assert.equal(parseIsoTime('2000-10-10T13:55:36-07:00'), Date.UTC(2000, 9, 10, 20, 55, 36));
    assert.equal(parseIsoTime('2000-10-10T13:55:36+0530'), Date.UTC(2000, 9, 10, 8, 25, 36));
    assert.equal(parseIsoTime('2026-09-29T23:05:40.189830187Z'), Date.UTC(2026, 8, 29, 23, 5, 40, 189));
    assert.equal(parseIsoTime('2026-09-29T23:05:40.5Z'), Date.UTC(2026, 8, 29, 23, 5, 40, 500));
  });

  it('refuses a time without a zone or out of range', () => {
    for (const text of [
      '2000-10-10T13:55:36',
      '2000-13-10T13:55:36Z',
      '2000-10-10T13:55:36.Z',
      'yesterday at noon!!',
    ]) {
      assert.ok(Number.isNaN(parseIsoTime(text)), text);
    }
  });
});

describe('parseEpochSeconds', () => {
  it('keeps whole milliseconds without float rounding', () => {
    assert.equal(parseEpochSeconds('1646861401.5241024'), 1646861401524);
    assert.equal(parseEpochSeconds('1000.123'), 1000123);
    assert.equal(parseEpochSeconds('1765102532'), 1765102532000);
    assert.equal(parseEpochSeconds('1765102532.4'), 1765102532400);
  });

  it('refuses what is not a number of seconds', () => {
    for (const text of ['', '-5', '12a', '1.', '.5', '1e9']) assert.ok(Number.isNaN(parseEpochSeconds(text)), text);
  });
});

describe('parseAnyTime', () => {
  it('tells the kinds apart', () => {
    const ms = Date.UTC(2026, 11, 7, 10, 15, 32);
    assert.equal(parseAnyTime('07/Dec/2026:10:15:32 +0000'), ms);
    assert.equal(parseAnyTime('2026-12-07T10:15:32Z'), ms);
    assert.equal(parseAnyTime(String(ms / 1000)), ms);
    assert.equal(parseAnyTime(ms / 1000 + 0.25), ms + 250);
    assert.ok(Number.isNaN(parseAnyTime(true)));
    assert.ok(Number.isNaN(parseAnyTime('now')));
  });
});

describe('apacheTimeReader', () => {
  it('reads sec, msec and usec, with or without begin: and end:', () => {
    assert.equal(apacheTimeReader('sec')('1765102532'), 1765102532000);
    assert.equal(apacheTimeReader('msec')('1765102532457'), 1765102532457);
    assert.equal(apacheTimeReader('end:usec')('1765102532457123'), 1765102532457);
  });

  it('reads a strftime format with its zone', () => {
    const read = apacheTimeReader('%d/%b/%Y:%H:%M:%S %z');
    assert.equal(read('07/Dec/2026:10:15:32 -0700'), Date.UTC(2026, 11, 7, 17, 15, 32));
    assert.equal(apacheTimeReader('%F %T %z')('2026-12-07 10:15:32 +0100'), Date.UTC(2026, 11, 7, 9, 15, 32));
    assert.ok(Number.isNaN(read('2026-12-07 10:15:32')));
  });

  it('refuses a strftime format without a zone, and conversions it does not know', () => {
    assert.throws(() => apacheTimeReader('%Y-%m-%d %H:%M:%S'), LogFormatError);
    assert.throws(() => apacheTimeReader('%Y %Q %z'), LogFormatError);
    assert.throws(() => apacheTimeReader('msec_frac'), /only the fraction/);
  });
});
