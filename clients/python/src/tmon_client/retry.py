"""When to retry and how long to wait.

Retried: network errors and timeouts, 408, 429 and 5xx (tmon answers 503
while its store is behind, with Retry-After). Any other 4xx is final: the
same bytes would be refused again.
"""

import random as _random
from typing import Callable, NamedTuple, Optional

#: a Retry-After beyond this is treated as this: a misconfigured proxy must not park events for hours
MAX_RETRY_AFTER = 300.0


class RetryPolicy(NamedTuple):
    max_retries: int
    base: float
    maximum: float


def is_retryable_status(status: int) -> bool:
    return status in (408, 429) or status >= 500


def retry_delay(
    retry: int,
    policy: RetryPolicy,
    retry_after: Optional[float],
    random: Callable[[], float] = _random.random,
) -> float:
    """Seconds to wait before retry number ``retry`` (0 for the first).

    Exponential backoff with "equal jitter": half the delay fixed, half
    random, so many clients that lost the same server spread their retries
    out instead of stampeding it when it comes back, yet none retries at
    once. A server's Retry-After wins over the computed delay: never earlier
    than asked, up to 10 % later for the same spreading.
    """
    if retry_after is not None:
        return min(MAX_RETRY_AFTER, retry_after) * (1 + random() * 0.1)
    ceiling = min(policy.maximum, policy.base * 2**retry)
    return ceiling / 2 + random() * (ceiling / 2)
