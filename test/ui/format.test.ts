import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAge,
  formatCompact,
  formatCount,
  formatDuration,
  formatRate,
  formatShare,
} from '../../ui/src/shared/format.js';

describe('number formatting for the dashboard', () => {
  it('separates thousands in exact counts', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(1234567), '1,234,567');
  });

  it('keeps small figures exact and compacts large ones', () => {
    assert.equal(formatCompact(9999), '9,999');
    assert.equal(formatCompact(12_345), '12.3K');
    assert.equal(formatCompact(2_500_000), '2.5M');
  });

  it('shows a quiet rate with one decimal so it does not read zero', () => {
    assert.equal(formatRate(0), '0/s');
    assert.equal(formatRate(0.4), '0.4/s');
    assert.equal(formatRate(1980), '1,980/s');
    assert.equal(formatRate(25_300), '25.3K/s');
  });

  it('formats shares, durations and ages readably', () => {
    assert.equal(formatShare(0.42), '42%');
    assert.equal(formatShare(0.004), '0.4%');
    assert.equal(formatShare(0.0001), '<0.1%');
    assert.equal(formatShare(0), '0%');
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(1234), '1.2 s');
    assert.equal(formatDuration(null), '–');
    assert.equal(formatAge(500), 'just now');
    assert.equal(formatAge(12_000), '12 s ago');
    assert.equal(formatAge(5 * 60_000), '5 min ago');
  });

  it('never prints NaN', () => {
    assert.equal(formatCount(Number.NaN), '–');
    assert.equal(formatRate(Number.POSITIVE_INFINITY), '–');
  });
});
