import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptOutcome } from '../../src/alerts/delivery/attempt-outcome.js';
import { retryAfterMs } from '../../src/alerts/delivery/retry-after.js';
import { nextStep, RETRY_HORIZON_MS } from '../../src/alerts/delivery/retry-policy.js';

const T0 = Date.UTC(2025, 10, 24, 12);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function outcome(partial: Partial<AttemptOutcome>): AttemptOutcome {
  return {
    status: null,
    answer: null,
    error: 'connection refused',
    retryAfterMs: null,
    permanent: false,
    durationMs: 1,
    ...partial,
  };
}

describe('the retry policy', () => {
  it('delivers on a success', () => {
    assert.deepEqual(nextStep(outcome({ status: 204, error: null }), { createdAt: T0, attempts: 1 }, T0), {
      status: 'delivered',
    });
  });

  it('waits 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, then hourly after failures that may pass', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => {
      const step = nextStep(outcome({}), { createdAt: T0, attempts }, T0);
      assert.equal(step.status, 'pending');
      return step.status === 'pending' ? step.nextAttemptAt - T0 : 0;
    });
    assert.deepEqual(delays, [10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, HOUR, HOUR]);
  });

  it('honours a Retry-After longer than its own delay', () => {
    const step = nextStep(outcome({ status: 503, retryAfterMs: 120 * SECOND }), { createdAt: T0, attempts: 1 }, T0);
    assert.deepEqual(step, { status: 'pending', nextAttemptAt: T0 + 120 * SECOND });
    const shorter = nextStep(outcome({ status: 429, retryAfterMs: SECOND }), { createdAt: T0, attempts: 1 }, T0);
    assert.deepEqual(shorter, { status: 'pending', nextAttemptAt: T0 + 10 * SECOND });
  });

  it('tries once more at the 24 h horizon, then gives up', () => {
    const late = T0 + RETRY_HORIZON_MS - 10 * MINUTE;
    assert.deepEqual(nextStep(outcome({}), { createdAt: T0, attempts: 20 }, late), {
      status: 'pending',
      nextAttemptAt: T0 + RETRY_HORIZON_MS,
    });
    assert.deepEqual(nextStep(outcome({}), { createdAt: T0, attempts: 21 }, T0 + RETRY_HORIZON_MS), {
      status: 'gave_up',
    });
  });

  it('gives up at once on a failure that would repeat', () => {
    assert.deepEqual(nextStep(outcome({ status: 401, permanent: true }), { createdAt: T0, attempts: 1 }, T0), {
      status: 'gave_up',
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('120', T0), 120_000);
    assert.equal(retryAfterMs(new Date(T0 + 30_000).toUTCString(), T0), 30_000);
    assert.equal(retryAfterMs(new Date(T0 - 30_000).toUTCString(), T0), 0);
    assert.equal(retryAfterMs('soon', T0), null);
    assert.equal(retryAfterMs(undefined, T0), null);
  });
});
