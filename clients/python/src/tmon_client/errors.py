"""What a caller of tmon_client deals with when something goes wrong."""

from typing import Any, Dict, Optional


class TmonError(Exception):
    """Handed to ``on_error`` (never raised from ``track``).

    ``kind`` is one of:

    - ``"refused"``: tmon refused the request (a 4xx other than 408/429); retrying would not help
    - ``"gave_up"``: network errors, timeouts, 429 or 5xx until ``max_retries``, or until ``close()`` ran out of time
    - ``"queue_full"``: the queue was full, the oldest events are being dropped
    - ``"invalid_event"``: ``track()`` got an event tmon would refuse; it was dropped so it cannot sink a whole batch
    """

    def __init__(self, kind: str, message: str, events: int, answer: Optional["Answer"] = None):
        super().__init__(message)
        self.kind = kind
        #: how many events this is about
        self.events = events
        #: tmon's answer, for ``refused`` and for ``gave_up`` after an HTTP error
        self.answer = answer


class InvalidSettings(TmonError, ValueError):
    """A misconfigured client: raised by the constructor, at start-up, never later."""

    def __init__(self, message: str):
        super().__init__("invalid_settings", message, 0)


#: the original T-Mon client's name for its error superclass, so ``except TMonClientError`` keeps working
TMonClientError = TmonError


class Answer:
    """What tmon answered to one request: the HTTP status and the JSON body."""

    __slots__ = ("status", "body", "retry_after")

    def __init__(self, status: int, body: Dict[str, Any], retry_after: Optional[float] = None):
        self.status = status
        self.body = body
        #: the Retry-After header in seconds, when the server sent one
        self.retry_after = retry_after

    def describe(self) -> str:
        error = self.body.get("error", "")
        message = self.body.get("message")
        return f"{self.status} {error}" + ("" if message is None else f" ({message})")

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.body!r})"
