"""Delivers one request's events: encodes, posts, retries with backoff until tmon answers for good.

Every attempt is encoded anew (a v2 retry gets a fresh iv and sent_at, which
tmon requires); the events' idempotency ids make a retry after a lost answer
safe: tmon stores each id once.
"""

import http.client
import re
import time
from typing import Callable, List, NamedTuple, Optional, Sequence

from .errors import Answer
from .protocols import EncodedRequest
from .retry import RetryPolicy, is_retryable_status, retry_delay
from .transport import Transport


class Rejected(NamedTuple):
    """An event tmon refused inside a v2 batch; the rest of the batch was sent again without it."""

    json: str
    answer: Answer


class Outcome(NamedTuple):
    #: "accepted", "refused" or "gave_up"
    kind: str
    answer: Optional[Answer]
    error: Optional[BaseException]
    rejected: List[Rejected]


class DeliveryHooks(NamedTuple):
    #: before each request
    on_request: Callable[[], None]
    #: before each retry, with the number of events sent again
    on_retry: Callable[[int], None]
    #: waits that many seconds; the client makes it wakeable, so close() need not sit out a backoff
    sleep: Callable[[float], None]
    #: the time.monotonic() after which no retry may start, or None
    deadline: Callable[[], Optional[float]]


#: tmon refuses a v2 batch whole when one event is bad, and names it: "event 3: ip is not a valid IP address"
_BAD_EVENT_MESSAGE = re.compile(r"^event (\d+):")


def deliver(
    events: Sequence[str],
    encode: Callable[[Sequence[str]], EncodedRequest],
    transport: Transport,
    policy: RetryPolicy,
    hooks: DeliveryHooks,
) -> Outcome:
    remaining = list(events)
    rejected: List[Rejected] = []
    retry = 0
    while True:
        answer: Optional[Answer] = None
        error: Optional[BaseException] = None
        try:
            request = encode(remaining)
            hooks.on_request()
            answer = transport.post(request.content_type, request.body)
        except (OSError, http.client.HTTPException) as caught:  # refused, reset, timed out, a garbled answer
            error = caught
        if answer is not None and 200 <= answer.status < 300:
            return Outcome("accepted", answer, None, rejected)
        if answer is not None and not is_retryable_status(answer.status):
            bad = _bad_event_index(answer, len(remaining))
            if bad is None:
                return Outcome("refused", answer, None, rejected)
            # one bad event must not sink the other 999: drop it, send the rest at once
            rejected.append(Rejected(remaining.pop(bad), answer))
            continue
        if retry >= policy.max_retries:
            return Outcome("gave_up", answer, error, rejected)
        delay = retry_delay(retry, policy, answer.retry_after if answer is not None else None)
        deadline = hooks.deadline()
        if deadline is not None and time.monotonic() + delay > deadline:
            return Outcome("gave_up", answer, error, rejected)
        hooks.sleep(delay)
        retry += 1
        hooks.on_retry(len(remaining))


def _bad_event_index(answer: Answer, count: int) -> Optional[int]:
    if answer.status != 400 or answer.body.get("error") != "bad_event" or count < 2:
        return None
    match = _BAD_EVENT_MESSAGE.match(str(answer.body.get("message", "")))
    index = int(match.group(1)) if match else -1
    return index if 0 <= index < count else None
