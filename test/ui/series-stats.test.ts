import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advanceSeries, countInSeries, type Series } from '../../ui/src/dashboard/chart/series.js';
import { percentile, recentStats } from '../../ui/src/dashboard/panels/recent-stats.js';

describe('the live requests series', () => {
  const base = (): Series => ({ resolution: 'second', ts: [1000, 2000, 3000], requests: [1, 2, 3] });

  it('slides forward with the clock, zero-filling new buckets', () => {
    const s = advanceSeries(base(), 5_500);
    assert.deepEqual(s.ts, [3000, 4000, 5000]);
    assert.deepEqual(s.requests, [3, 0, 0]);
  });

  it('starts over when the clock jumped past the whole window', () => {
    const s = advanceSeries(base(), 100_000);
    assert.deepEqual(s.ts, [98_000, 99_000, 100_000]);
    assert.deepEqual(s.requests, [0, 0, 0]);
  });

  it('counts an event in its bucket and ignores one outside the window', () => {
    const s = base();
    assert.equal(countInSeries(s, 2_999), true);
    assert.equal(countInSeries(s, 999), false);
    assert.deepEqual(s.requests, [1, 3, 3]);
  });
});

describe('error rate and p95 from recent events', () => {
  it('counts 5xx among the events that reported a status', () => {
    const stats = recentStats([
      { status: 200, duration_ms: 10 },
      { status: 503, duration_ms: 20 },
      { status: null, duration_ms: null },
      { status: 404, duration_ms: 30 },
    ]);
    assert.equal(stats.withStatus, 3);
    assert.equal(stats.errorRate, 1 / 3);
    assert.equal(stats.withDuration, 3);
  });

  it('reports nothing rather than zero when no sender reports status or duration', () => {
    const stats = recentStats([{ status: null, duration_ms: null }]);
    assert.equal(stats.errorRate, null);
    assert.equal(stats.p95, null);
  });

  it('takes the nearest-rank 95th percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 0.95), 95);
    assert.equal(percentile([7], 0.95), 7);
  });
});
