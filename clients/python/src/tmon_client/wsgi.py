"""WSGI middleware (Flask, Django, any PEP 3333 application).

    app.wsgi_app = TmonMiddleware(app.wsgi_app, client)                        # Flask
    application = TmonMiddleware(get_wsgi_application(), client)               # Django

The event is sent when the server closes the response (after the last byte
of the body), so ``duration_ms`` covers streaming bodies too.
"""

import logging
import time
import urllib.parse
from typing import Any, Callable, Dict, Iterable, Optional

from .request_event import TrustProxy, check_trust_proxy, client_ip, request_event, safely

logger = logging.getLogger("tmon_client")

Environ = Dict[str, Any]


def _remote_user(environ: Environ) -> Optional[str]:
    return environ.get("REMOTE_USER") or None


class TmonMiddleware:
    """Records every request: url, client ip, user agent, method, status, duration_ms, referrer, username.

    - ``client``: a TmonClient, or anything with ``track(**event)``.
    - ``trust_proxy``: ``False`` (default) the peer's ``REMOTE_ADDR``; ``True`` the leftmost
      ``X-Forwarded-For`` address; a number n: n proxies of yours in front.
    - ``username(environ)``: called when the application starts its response, inside the framework's
      request context (Flask's ``g`` and ``current_user`` work there); default ``REMOTE_USER``.
    - ``skip(environ)``: true for requests not worth tracking (health checks, static files).
    - ``fields(environ)``: more fields for the event (kept by tmon as extra properties).
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        client: Any,
        trust_proxy: TrustProxy = False,
        username: Optional[Callable[[Environ], Optional[str]]] = _remote_user,
        skip: Optional[Callable[[Environ], bool]] = None,
        fields: Optional[Callable[[Environ], Dict[str, Any]]] = None,
    ):
        self.app = app
        self.client = client
        self.trust_proxy = check_trust_proxy(trust_proxy)
        self.username = username
        self.skip = skip
        self.fields = fields

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if safely(self.skip, environ) is True:
            return self.app(environ, start_response)
        response = _Response(time.perf_counter())

        def tracking_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            response.status = _status_code(status)
            response.username = safely(self.username, environ)
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, tracking_start_response)
        except BaseException:
            self._track(environ, response, failed=True)  # the server answers 500 for it
            raise
        return _TrackedBody(body, lambda: self._track(environ, response, failed=False))

    def _track(self, environ: Environ, response: "_Response", failed: bool) -> None:
        try:
            status = response.status if response.status is not None and not failed else 500
            self.client.track(
                **request_event(
                    url=request_url(environ),
                    ip=client_ip(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR"), self.trust_proxy),
                    method=environ.get("REQUEST_METHOD"),
                    useragent=environ.get("HTTP_USER_AGENT"),
                    referrer=environ.get("HTTP_REFERER"),
                    status=status,
                    duration_ms=(time.perf_counter() - response.started) * 1000,
                    username=response.username,
                    fields=safely(self.fields, environ),
                )
            )
        except Exception:  # tracking must never break serving
            logger.warning("tmon middleware: the request could not be tracked", exc_info=True)


def request_url(environ: Environ) -> str:
    """The path and query as the client sent them."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")  # uWSGI, gunicorn: the request line's own
    if raw:
        if raw.startswith(("http://", "https://")):  # an absolute-form request line, as to a proxy
            parts = urllib.parse.urlsplit(raw)
            return parts.path + ("?" + parts.query if parts.query else "")
        return raw
    # PEP 3333 hands paths over as latin-1 decoded bytes: undo that, then quote as a URL
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1")
    url = urllib.parse.quote(path, safe="/;=,:@!$&'()*+~") or "/"
    query = environ.get("QUERY_STRING")
    return f"{url}?{query}" if query else url


def _status_code(status: str) -> Optional[int]:
    try:
        return int(status.split(" ", 1)[0])
    except (ValueError, AttributeError):
        return None


class _Response:
    __slots__ = ("started", "status", "username")

    def __init__(self, started: float):
        self.started = started
        self.status: Optional[int] = None
        self.username: Optional[str] = None


class _TrackedBody:
    """The application's response body, tracked once the server closes it (PEP 3333 servers always do)."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None]):
        self._body = body
        self._on_close: Optional[Callable[[], None]] = on_close

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            on_close, self._on_close = self._on_close, None
            if on_close is not None:
                on_close()
