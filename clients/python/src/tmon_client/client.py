"""TmonClient: track() queues, a background thread sends.

The caller's path only checks and serialises the event and appends it to a
bounded queue under a lock held for microseconds: it never waits for the
network and never raises. One daemon thread sends a batch when
``batch_size`` events are queued or ``flush_interval`` after the first
one, then drains what is left: under load, batches fill up by themselves
while the previous request is out.
"""

import atexit
import logging
import os
import threading
import time
import weakref
from collections import deque
from typing import Any, Callable, Deque, NamedTuple, Optional, Sequence, Tuple

from .deliver import DeliveryHooks, Outcome, deliver
from .errors import Answer, InvalidSettings, TmonError
from .options import Settings, check_settings, server_collect_url
from .prepare_event import prepare_event
from .protocols import V2_MAX_PLAINTEXT_BYTES, encoder_for, events_per_request
from .retry import RetryPolicy
from .transport import Transport, describe_network_error

logger = logging.getLogger("tmon_client")


class TmonStats(NamedTuple):
    #: waiting to be sent
    queued: int
    #: in a request that has not been answered yet
    in_flight: int
    #: acknowledged by tmon (stored, or recognised as already stored by their id)
    sent: int
    #: sent again after a network error, a timeout, 408, 429 or 5xx (counted once per retry)
    retried: int
    #: dropped before sending: the oldest when the queue was full, invalid events, events tracked after close()
    dropped: int
    #: sent but refused by tmon (4xx), or given up after max_retries or at close()
    failed: int
    #: HTTP requests made, retries included
    requests: int


def _log_error(error: TmonError) -> None:
    logger.warning("tmon client: %s", error)


class TmonClient:
    """Reports requests to tmon. See the package's README for every option."""

    def __init__(
        self,
        server: str,
        wsid: int,
        secret: str,
        protocol: str = "v2",
        *,
        batch_size: int = 100,
        flush_interval: float = 1.0,
        max_queue: int = 10_000,
        max_retries: int = 10,
        retry_base: float = 0.5,
        retry_max: float = 30.0,
        timeout: float = 10.0,
        close_timeout: float = 5.0,
        exit_hook: bool = True,
        on_error: Optional[Callable[[TmonError], None]] = None,
        ssl_context: Any = None,
    ):
        settings = check_settings(
            Settings(server_collect_url(server), wsid, secret, protocol, batch_size, flush_interval, max_queue,
                     max_retries, retry_base, retry_max, timeout, close_timeout, exit_hook, on_error, ssl_context)
        )
        self._settings = settings
        try:
            self._encode = encoder_for(protocol, wsid, secret)
        except ImportError as error:
            raise InvalidSettings(
                f"TmonClient: protocol {protocol} needs the cryptography package ({error}): "
                "pip install cryptography, or use protocol='gen2' (standard library only)"
            ) from None
        self._policy = RetryPolicy(max_retries, float(retry_base), float(retry_max))
        self._per_request = min(batch_size, events_per_request(protocol))
        self._on_error = on_error or _log_error
        self._hooks = DeliveryHooks(self._count_request, self._count_retry, self._sleep, lambda: self._deadline)
        self._reset_state()
        if exit_hook:
            # close() at exit sends what is queued; the interpreter waits for it (at most close_timeout)
            atexit.register(self.close)
        _reset_in_forked_children(self)

    # ---- the caller's side -------------------------------------------------------------------

    def track(self, url: Optional[str] = None, ip: Optional[str] = None, useragent: Optional[str] = None,
              username: Optional[str] = None, **extra: Any) -> None:
        """Queues one event. Never blocks on the network, never raises: problems go to on_error and stats()."""
        try:
            fields = {"url": url, "ip": ip, "useragent": useragent, "username": username, **extra}
            prepared = prepare_event(fields, int(time.time() * 1000))
            if prepared.json is None:
                with self._lock:
                    self._counts["dropped"] += 1
                self._report(TmonError("invalid_event", f"event dropped: {prepared.reason}", 1))
                return
            self._enqueue(prepared.json)
        except Exception as error:  # a bug of ours must not reach the caller's request
            self._report(TmonError("invalid_event", f"event dropped: {error!r}", 1))

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything queued now; True once all of it is answered (or given up: see on_error), False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            if self._idle_now():
                return True
            self._urgent = True
            self._ensure_sender()
            self._wake.notify_all()
            while not self._idle_now():
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                if self._stopped:
                    return self._idle_now()
                self._idle.wait(left)
            return True

    def close(self, timeout: Optional[float] = None) -> None:
        """Sends what is queued for at most ``timeout`` (default ``close_timeout``) seconds, then stops.

        Events still queued then are dropped and counted; later track() calls are dropped.
        """
        with self._lock:
            if not self._closing:
                self._closing = True
                limit = self._settings.close_timeout if timeout is None else timeout
                self._deadline = time.monotonic() + limit
                self._interrupt_backoff = True  # a batch waiting out a backoff retries now: close has little time
                self._backoff.notify_all()
                self._wake.notify_all()
            deadline = self._deadline or time.monotonic()
            thread = self._thread
        atexit.unregister(self.close)
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            left = len(self._queue)
            self._queue.clear()
            self._counts["dropped"] += left
            self._stopped = True
            self._wake.notify_all()
            self._idle.notify_all()
        if left:
            self._report(TmonError("gave_up", f"closed with {left} events still queued: dropped", left))
        # a request still out past the deadline is left to the daemon thread
        if thread is None or not thread.is_alive():
            self._transport.close()

    def send(self, **fields: Any) -> Answer:
        """Sends one event at once, outside the queue (with the same retries), and returns tmon's answer.

        Raises TmonError when the event is invalid or no answer came. For
        scripts and smoke tests; services should use track().
        """
        prepared = prepare_event(fields, int(time.time() * 1000))
        if prepared.json is None:
            raise TmonError("invalid_event", prepared.reason or "invalid event", 1)
        transport = Transport(self._settings.collect_url, self._settings.timeout, self._settings.ssl_context)
        hooks = self._hooks._replace(sleep=time.sleep, deadline=lambda: None)
        try:
            outcome = deliver([prepared.json], self._encode, transport, self._policy, hooks)
        finally:
            transport.close()
        with self._lock:
            self._counts["sent" if outcome.kind == "accepted" else "failed"] += 1
        if outcome.answer is None:
            raise _given_up(outcome, 1)
        return outcome.answer

    def stats(self) -> TmonStats:
        with self._lock:
            return TmonStats(queued=len(self._queue), in_flight=self._in_flight, **self._counts)

    def __enter__(self) -> "TmonClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ---- the queue ---------------------------------------------------------------------------

    def _reset_state(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the sender waits here for work
        self._idle = threading.Condition(self._lock)  # flush() waits here for an empty queue
        self._backoff = threading.Condition(self._lock)  # a retry's backoff, which close() cuts short
        self._queue: Deque[Tuple[str, int]] = deque()
        self._oldest_at: Optional[float] = None
        self._urgent = False
        self._queue_full = False
        self._in_flight = 0
        self._counts = {"sent": 0, "retried": 0, "dropped": 0, "failed": 0, "requests": 0}
        self._closing = False
        self._stopped = False
        self._deadline: Optional[float] = None
        self._interrupt_backoff = False
        self._thread: Optional[threading.Thread] = None
        self._transport = Transport(self._settings.collect_url, self._settings.timeout, self._settings.ssl_context)

    def _enqueue(self, event_json: str) -> None:
        size = len(event_json.encode("utf-8"))
        report = None
        with self._lock:
            if self._closing:
                self._counts["dropped"] += 1
                return
            if len(self._queue) >= self._settings.max_queue:
                # the newest traffic is the most useful to see when tmon comes back: drop the oldest
                self._queue.popleft()
                self._counts["dropped"] += 1
                if not self._queue_full:
                    self._queue_full = True
                    report = TmonError("queue_full", f"the queue holds {self._settings.max_queue} events: "
                                       "dropping the oldest until tmon catches up", 1)
            self._queue.append((event_json, size))
            if self._oldest_at is None:
                self._oldest_at = time.monotonic()
                self._wake.notify()
            elif len(self._queue) == self._settings.batch_size:
                self._wake.notify()
            self._ensure_sender()
        if report is not None:
            self._report(report)

    def _idle_now(self) -> bool:
        return not self._queue and self._in_flight == 0

    def _take_batch(self) -> Sequence[str]:
        batch = []
        size = 0
        while self._queue and len(batch) < self._per_request:
            event_json, event_size = self._queue[0]
            if batch and size + event_size > V2_MAX_PLAINTEXT_BYTES:
                break
            self._queue.popleft()
            batch.append(event_json)
            size += event_size + 1  # the comma between events
        if not self._queue:
            self._oldest_at = None
            self._queue_full = False
        return batch

    # ---- the sending thread ------------------------------------------------------------------

    def _ensure_sender(self) -> None:
        """Called with the lock held. Started at the first event, so a client made before a fork sends from the child."""
        if self._thread is None and not self._stopped:
            self._thread = threading.Thread(target=self._run, name="tmon-client-sender", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                batch = self._next_batch()
                if batch is None:
                    return
                self._in_flight += len(batch)
            try:
                self._send_batch(batch)
            finally:
                with self._lock:
                    self._in_flight -= len(batch)
                    if self._idle_now():
                        self._urgent = False
                        self._idle.notify_all()

    def _next_batch(self) -> Optional[Sequence[str]]:
        """Waits (lock held) until a batch is due; None when the client stops."""
        while True:
            if self._stopped:
                return None
            count = len(self._queue)
            if count == 0 and self._closing:
                self._stopped = True
                self._idle.notify_all()
                return None
            if count > 0:
                due = self._urgent or self._closing or count >= self._settings.batch_size
                wait = 0.0 if due else self._oldest_at + self._settings.flush_interval - time.monotonic()
                if wait <= 0:
                    return self._take_batch()
                self._wake.wait(wait)
            else:
                self._wake.wait()

    def _send_batch(self, batch: Sequence[str]) -> None:
        try:
            outcome = deliver(batch, self._encode, self._transport, self._policy, self._hooks)
        except Exception as error:  # a bug of ours must not kill the thread and silently stop all tracking
            self._add_count("failed", len(batch))
            self._report(TmonError("gave_up", f"sending failed: {error!r}", len(batch)))
            return
        for rejected in outcome.rejected:
            self._add_count("failed", 1)
            self._report(TmonError("refused", f"tmon refused an event: {rejected.answer.describe()}", 1, rejected.answer))
        count = len(batch) - len(outcome.rejected)
        if outcome.kind == "accepted":
            self._add_count("sent", count)
            return
        self._add_count("failed", count)
        if outcome.kind == "refused" and outcome.answer is not None:
            what = f"tmon refused {count} event{'' if count == 1 else 's'}: {outcome.answer.describe()}"
            self._report(TmonError("refused", what, count, outcome.answer))
        else:
            self._report(_given_up(outcome, count))

    def _add_count(self, name: str, value: int) -> None:
        with self._lock:
            self._counts[name] += value

    def _count_request(self) -> None:
        self._add_count("requests", 1)

    def _count_retry(self, events: int) -> None:
        self._add_count("retried", events)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        with self._lock:
            while not self._interrupt_backoff:
                left = end - time.monotonic()
                if left <= 0:
                    return
                self._backoff.wait(left)
            self._interrupt_backoff = False  # once: the next backoff runs its course

    def _report(self, error: TmonError) -> None:
        try:
            self._on_error(error)
        except Exception:  # the hook is the caller's code: its failure must not reach the caller's request
            logger.exception("tmon client: on_error raised")

    def _after_fork_in_child(self) -> None:
        """The child has none of the parent's threads, and its copy of the queue is the parent's to send."""
        self._transport.close()
        self._reset_state()


def _given_up(outcome: Outcome, count: int) -> TmonError:
    why = outcome.answer.describe() if outcome.answer is not None else describe_network_error(outcome.error)
    return TmonError("gave_up", f"could not deliver {count} event(s): {why}", count, outcome.answer)


_clients: "weakref.WeakSet[TmonClient]" = weakref.WeakSet()
_fork_hook_installed = False


def _reset_in_forked_children(client: TmonClient) -> None:
    global _fork_hook_installed
    if not _fork_hook_installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)
        _fork_hook_installed = True
    _clients.add(client)


def _after_fork() -> None:
    for client in list(_clients):
        client._after_fork_in_child()
