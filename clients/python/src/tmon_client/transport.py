"""POSTs to /data/collect over one kept-alive connection (http.client): tmon's answer, or a raised network error."""

import email.utils
import http.client
import json
import socket
import ssl
import time
import urllib.parse
from typing import Optional

from .errors import Answer

#: errors of a kept-alive connection the server closed while it was idle (tmon closes them after 72 s)
_STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def collect_url(server: str) -> str:
    """``https://host`` or ``https://host/prefix/`` → ``…/data/collect``; a URL that already names it is kept."""
    parts = urllib.parse.urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"server must be a URL such as http://localhost:8000, not {server!r}")
    path = parts.path
    if not path.endswith("/data/collect"):
        path = path.rstrip("/") + "/data/collect"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class Transport:
    """Used by the sending thread only: no locking."""

    def __init__(self, url: str, timeout: float, ssl_context: Optional[ssl.SSLContext] = None):
        parts = urllib.parse.urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port
        self._path = parts.path
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._connection: Optional[http.client.HTTPConnection] = None
        self._reused = False

    def post(self, content_type: str, body: bytes) -> Answer:
        try:
            return self._post_once(content_type, body)
        except _STALE_CONNECTION:
            if not self._reused:
                raise
            # the server closed the idle connection as we reused it: that is no failure of tmon's, try a fresh one
            return self._post_once(content_type, body)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _post_once(self, content_type: str, body: bytes) -> Answer:
        connection = self._connection_to_use()
        try:
            connection.request(
                "POST",
                self._path,
                body=body,
                headers={"Content-Type": content_type, "Accept": "application/json", "Connection": "keep-alive"},
            )
            response = connection.getresponse()
            text = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        status = response.status
        return Answer(status, _parse_body(text, status), parse_retry_after(response.getheader("Retry-After"), time.time()))

    def _connection_to_use(self) -> http.client.HTTPConnection:
        if self._connection is not None:
            self._reused = True
            return self._connection
        self._reused = False
        if self._https:
            context = self._ssl_context or ssl.create_default_context()
            self._connection = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout, context=context)
        else:
            self._connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        return self._connection


def parse_retry_after(header: Optional[str], now: float) -> Optional[float]:
    """Delay-seconds or an HTTP date (RFC 9110 §10.2.3), in seconds; None when absent or unreadable."""
    if header is None:
        return None
    text = header.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def _parse_body(text: bytes, status: int) -> dict:
    """A proxy in front of tmon may answer HTML or nothing: keep the answer usable either way."""
    try:
        parsed = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        parsed = None  # not JSON: described below
    if isinstance(parsed, dict):
        return parsed
    return {"status": status, "status_code": status, "error": "not_tmon", "message": text[:200].decode("utf-8", "replace")}


def describe_network_error(error: BaseException) -> str:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "no answer in time"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
