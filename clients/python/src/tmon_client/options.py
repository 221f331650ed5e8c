"""The client's settings: defaults, and the checks that make a misconfiguration fail at construction, not later."""

import numbers
import ssl
from typing import Callable, NamedTuple, Optional

from .errors import InvalidSettings, TmonError
from .protocols import PROTOCOLS, V2_MAX_EVENTS
from .transport import collect_url


class Settings(NamedTuple):
    collect_url: str
    wsid: int
    secret: str
    protocol: str
    batch_size: int
    flush_interval: float
    max_queue: int
    max_retries: int
    retry_base: float
    retry_max: float
    timeout: float
    close_timeout: float
    exit_hook: bool
    on_error: Optional[Callable[[TmonError], None]]
    ssl_context: Optional[ssl.SSLContext]


def check_settings(settings: Settings) -> Settings:
    def fail(message: str) -> None:
        raise InvalidSettings(f"TmonClient: {message}")

    if not isinstance(settings.wsid, int) or isinstance(settings.wsid, bool) or settings.wsid < 1:
        fail("wsid must be a positive integer")
    secret = settings.secret
    if not isinstance(secret, str) or not secret or any(not "\x21" <= ch <= "\x7e" for ch in secret):
        fail("secret must be the service secret (printable ASCII)")
    if settings.protocol not in PROTOCOLS:
        fail(f"protocol must be one of {', '.join(PROTOCOLS)}, not {settings.protocol!r}")
    if settings.protocol == "gen1" and len(secret) not in (16, 24, 32):
        fail("a Gen 1 secret must be 16, 24 or 32 characters")
    for name in ("batch_size", "max_queue"):
        value = getattr(settings, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fail(f"{name} must be a positive integer")
    if settings.batch_size > V2_MAX_EVENTS:
        fail(f"batch_size must be at most {V2_MAX_EVENTS}")
    if not isinstance(settings.max_retries, int) or settings.max_retries < 0:
        fail("max_retries must be an integer ≥ 0")
    for name in ("flush_interval", "retry_base", "retry_max", "timeout", "close_timeout"):
        value = getattr(settings, name)
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
            fail(f"{name} must be a number of seconds ≥ 0")
    if settings.timeout == 0:
        fail("timeout must be more than 0 seconds")
    if settings.on_error is not None and not callable(settings.on_error):
        fail("on_error must be callable")
    return settings


def server_collect_url(server: str) -> str:
    try:
        return collect_url(server)
    except (TypeError, ValueError, AttributeError):
        raise InvalidSettings(f"TmonClient: server must be a URL such as http://localhost:8000, not {server!r}") from None
