/**
 * When to retry and how long to wait. Retried: network errors and timeouts,
 * 429 and 5xx (tmon answers 503 while its store is behind, both with
 * Retry-After). Any other 4xx is final: the same bytes would be refused again.
 */

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** A Retry-After beyond this is treated as this: a misconfigured proxy must not park events for hours. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random,
 * so a fleet of clients that lost the same server spreads its retries out
 * instead of stampeding it when it comes back, yet none retries at once.
 * A server's Retry-After wins over the computed delay (never retry earlier
 * than asked; up to 10 % later, for the same spreading).
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.min(MAX_RETRY_AFTER_MS, retryAfterMs) * (1 + random() * 0.1);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
}
