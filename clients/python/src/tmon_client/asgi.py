"""ASGI middleware (FastAPI, Starlette, Django's ASGI application, any ASGI 3 app).

    app.add_middleware(TmonMiddleware, client=client)                         # FastAPI, Starlette
    application = TmonMiddleware(get_asgi_application(), client)               # Django

The event is sent when the application has finished the response, so
``duration_ms`` covers streaming bodies too. Lifespan and WebSocket
connections pass through untracked.
"""

import logging
import time
import urllib.parse
from typing import Any, Awaitable, Callable, Dict, Optional

from .request_event import TrustProxy, check_trust_proxy, client_ip, request_event, safely

logger = logging.getLogger("tmon_client")

Scope = Dict[str, Any]
Message = Dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def authenticated_user(scope: Scope) -> Optional[str]:
    """The user an authentication middleware put in ``scope["user"]`` (Starlette's, Django Channels')."""
    user = scope.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for attribute in ("display_name", "username"):
        value = getattr(user, attribute, None)
        if value:
            return str(value)
    return None


class TmonMiddleware:
    """Records every HTTP request: url, client ip, user agent, method, status, duration_ms, referrer, username.

    - ``client``: a TmonClient, or anything with ``track(**event)``.
    - ``trust_proxy``: ``False`` (default) the peer (``scope["client"]``); ``True`` the leftmost
      ``X-Forwarded-For`` address; a number n: n proxies of yours in front. (uvicorn's own
      ``--proxy-headers`` rewrites ``scope["client"]`` for proxies it trusts; leave this False then.)
    - ``username(scope)``: called when the response starts; default: an authenticated ``scope["user"]``.
      Starlette and FastAPI keep ``request.state`` in ``scope["state"]``.
    - ``skip(scope)``: true for requests not worth tracking; ``fields(scope)``: more fields for the event.
    """

    def __init__(
        self,
        app: ASGIApp,
        client: Any,
        trust_proxy: TrustProxy = False,
        username: Optional[Callable[[Scope], Optional[str]]] = authenticated_user,
        skip: Optional[Callable[[Scope], bool]] = None,
        fields: Optional[Callable[[Scope], Dict[str, Any]]] = None,
    ):
        self.app = app
        self.client = client
        self.trust_proxy = check_trust_proxy(trust_proxy)
        self.username = username
        self.skip = skip
        self.fields = fields

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope.get("type") != "http" or safely(self.skip, scope) is True:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        response: Dict[str, Any] = {"status": None, "username": None}

        async def tracking_send(message: Message) -> None:
            if message.get("type") == "http.response.start":
                response["status"] = message.get("status")
                response["username"] = safely(self.username, scope)
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, tracking_send)
        except BaseException:
            failed = True  # the server answers 500 for it, if the response had not started
            raise
        finally:
            self._track(scope, response, started, failed)

    def _track(self, scope: Scope, response: Dict[str, Any], started: float, failed: bool) -> None:
        try:
            headers = _headers(scope)
            peer = scope.get("client")
            status = response["status"]
            self.client.track(
                **request_event(
                    url=request_url(scope),
                    ip=client_ip(peer[0] if peer else "", headers.get("x-forwarded-for"), self.trust_proxy),
                    method=scope.get("method"),
                    useragent=headers.get("user-agent"),
                    referrer=headers.get("referer"),
                    status=500 if status is None and failed else status,
                    duration_ms=(time.perf_counter() - started) * 1000,
                    username=response["username"],
                    fields=safely(self.fields, scope),
                )
            )
        except Exception:  # tracking must never break serving
            logger.warning("tmon middleware: the request could not be tracked", exc_info=True)


def request_url(scope: Scope) -> str:
    """The path and query as the client sent them."""
    raw = scope.get("raw_path")
    if raw:
        path = raw.decode("latin-1")
    else:
        path = urllib.parse.quote((scope.get("root_path", "") + scope.get("path", "")).encode("utf-8"),
                                  safe="/;=,:@!$&'()*+~")
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path or '/'}?{query}" if query else (path or "/")


def _headers(scope: Scope) -> Dict[str, str]:
    """Header names are lowercase in ASGI; repeated ones are joined with commas, as HTTP allows."""
    headers: Dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]},{text}" if key in headers else text
    return headers
