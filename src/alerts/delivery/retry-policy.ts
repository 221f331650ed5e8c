/**
 * What happens to a delivery after an attempt. A 2xx (or an accepted
 * e-mail) delivers it. A failure that may pass (no answer, a timeout, a 5xx,
 * 408, 429, a name that does not resolve) is tried again after a growing
 * delay, or after the receiver's Retry-After when that is longer, until
 * 24 h after the delivery was made; then it gives up. A failure that would
 * repeat gives up at once: another 4xx (a Standard Webhooks receiver
 * answers one to a bad signature, Slack to a removed hook), a redirect, a
 * refused target or a refused e-mail address. Retrying those for a day
 * would help no one; the channel's owner fixes it and sends a test.
 */
import type { AttemptOutcome } from './attempt-outcome.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** the delay after the 1st, 2nd, … failed attempt; hourly after the last */
export const RETRY_DELAYS_MS: readonly number[] = [10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR];

/** how long after its creation a delivery is still tried */
export const RETRY_HORIZON_MS = 24 * HOUR;

export type NextStep = { status: 'delivered' } | { status: 'pending'; nextAttemptAt: number } | { status: 'gave_up' };

export function nextStep(
  outcome: AttemptOutcome,
  delivery: { createdAt: number; attempts: number },
  now: number,
): NextStep {
  if (outcome.error === null && outcome.status !== null) return { status: 'delivered' };
  if (outcome.permanent) return { status: 'gave_up' };
  const horizon = delivery.createdAt + RETRY_HORIZON_MS;
  if (now >= horizon) return { status: 'gave_up' };
  // `attempts` counts this one: after the first failure, the first delay
  const backoff = RETRY_DELAYS_MS[Math.min(delivery.attempts, RETRY_DELAYS_MS.length) - 1] ?? HOUR;
  const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
  // one last attempt at the horizon rather than none after a long delay
  return { status: 'pending', nextAttemptAt: Math.min(now + delay, horizon) };
}
