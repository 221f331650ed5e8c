/** The duration histogram alert p95 readings come from: a bucket's upper bound is at most 10 % above any duration in it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationBucket, durationBucketUpperBound } from '../../src/rollup/signals.js';

describe('duration histogram buckets', () => {
  it('reads every duration from 0 to 3 hours as at most 10 % more, never less', () => {
    const samples = [0, 0.2, 1, 1.0001, 1.1, 1.1000001, 7, 99.9, 100, 250.5, 1_000, 65_432.1, 10_800_000];
    for (let d = 1; d < 10_800_000; d *= 1.0137) samples.push(d);
    for (const d of samples) {
      const upper = durationBucketUpperBound(durationBucket(d));
      assert.ok(upper >= d - 1e-9, `${d} ms read as ${upper}`);
      assert.ok(upper <= Math.max(1, d) * 1.1 + 1e-9, `${d} ms read as ${upper}`);
    }
  });

  it('keeps the number of buckets small', () => {
    assert.equal(durationBucket(0), 0);
    assert.equal(durationBucket(-5), 0);
    assert.ok(durationBucket(10_800_000) < 175);
  });
});
