"""What the WSGI and ASGI middlewares share: whose address is the client's, and the event for one served request."""

import ipaddress
import logging
from typing import Any, Callable, Dict, Optional, TypeVar, Union

logger = logging.getLogger("tmon_client")

#: trust_proxy: False (the peer), True (the leftmost X-Forwarded-For address), or n proxies of yours in front
TrustProxy = Union[bool, int]
T = TypeVar("T")


def check_trust_proxy(trust_proxy: Any) -> TrustProxy:
    if isinstance(trust_proxy, bool) or (isinstance(trust_proxy, int) and trust_proxy >= 0):
        return trust_proxy
    raise ValueError(f"trust_proxy must be True, False or a number of proxies ≥ 0, not {trust_proxy!r}")


def client_ip(peer: str, forwarded_for: Optional[str], trust_proxy: TrustProxy) -> str:
    """The client's address.

    ``False``: the socket's peer. ``True``: the leftmost ``X-Forwarded-For``
    address (only when every proxy in front of you overwrites the header).
    A number n: n proxies of yours stand in front, so the client is the n-th
    address from the right of ``X-Forwarded-For`` + peer (as Express's
    numeric ``trust proxy``). A forged or garbled entry falls back to the peer.
    """
    peer = normalize_ip(peer)
    if trust_proxy is False or trust_proxy == 0 or not forwarded_for:
        return peer
    chain = [normalize_ip(part.strip()) for part in forwarded_for.split(",") if part.strip()] + [peer]
    index = 0 if trust_proxy is True else max(0, len(chain) - 1 - int(trust_proxy))
    candidate = chain[index]
    return candidate if _is_ip(candidate) else peer


def normalize_ip(raw: str) -> str:
    """``::ffff:1.2.3.4`` → ``1.2.3.4``; ``1.2.3.4:5678`` and ``[::1]:80`` (some proxies add ports) → the address."""
    ip = raw.strip()
    if ip.startswith("["):
        ip = ip[1 : ip.index("]")] if "]" in ip else ip
    elif ip.count(":") == 1 and "." in ip:
        ip = ip.rsplit(":", 1)[0]
    if ip.lower().startswith("::ffff:") and "." in ip:
        ip = ip[7:]
    return ip


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def request_event(
    *,
    url: str,
    ip: str,
    method: Optional[str],
    useragent: Optional[str],
    referrer: Optional[str],
    status: Optional[int],
    duration_ms: float,
    username: Optional[str],
    fields: Optional[Dict[str, Any]],
) -> Dict[str, Any]:
    event: Dict[str, Any] = dict(fields or {})
    event.update(
        url=url,
        ip=ip,
        useragent=useragent or "",
        method=method,
        status=status if status is not None and 100 <= status <= 599 else None,
        # a tenth of a millisecond is as precise as a request's duration is meaningful
        duration_ms=round(duration_ms, 1),
    )
    if referrer:
        event["referrer"] = referrer
    if username:
        event["username"] = str(username)
    return event


def safely(getter: Optional[Callable[..., T]], *args: Any) -> Optional[T]:
    """Calls a getter of the application's; its failure costs the field, not the request or the event."""
    if getter is None:
        return None
    try:
        return getter(*args)
    except Exception:
        logger.warning("tmon middleware: %s raised; the event is sent without it", getattr(getter, "__name__", getter),
                       exc_info=True)
        return None
