"""track()'s input → the JSON text that is queued.

Checks what would make tmon refuse the event (and, in v2, the whole batch
with it), truncates long texts to tmon's limits, and fills in ``id`` and
``ts``. Serialising here, on the caller's path, snapshots the event: the
caller may reuse or change its objects afterwards.
"""

import datetime
import decimal
import ipaddress
import json
import math
import uuid
from typing import Any, Dict, NamedTuple, Optional

from .event_id import time_ordered_id

#: tmon's limits on an event's texts, in UTF-16 code units as tmon counts them
TEXT_LIMITS = {"url": 2048, "useragent": 1024, "username": 256, "method": 16, "referrer": 2048}
ID_MAX = 64


class Prepared(NamedTuple):
    json: Optional[str]
    reason: Optional[str]


def prepare_event(fields: Dict[str, Any], now_ms: int) -> Prepared:
    event = {key: value for key, value in fields.items() if value is not None}
    url = event.get("url")
    if not isinstance(url, str):
        return Prepared(None, "url must be a string")
    ip = event.get("ip")
    if not isinstance(ip, str) or not _is_ip(ip):
        return Prepared(None, f"ip must be an IPv4 or IPv6 address, not {ip!r}")
    # a request without a User-Agent header is still a request: keep it, with an empty agent
    event.setdefault("useragent", "")
    for field, limit in TEXT_LIMITS.items():
        value = event.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            return Prepared(None, f"{field} must be a string")
        event[field] = _truncate_utf16(value, limit)
    status = event.get("status")
    if status is not None and (not _is_int(status) or not 100 <= status <= 599):
        return Prepared(None, "status must be an integer from 100 to 599")
    duration = event.get("duration_ms")
    if duration is not None and (not _is_number(duration) or not math.isfinite(duration) or duration < 0):
        return Prepared(None, "duration_ms must be a number ≥ 0")
    # the time of the request, not of its (batched, perhaps retried) delivery
    ts = event.setdefault("ts", now_ms)
    if not _is_number(ts) or not math.isfinite(ts):
        return Prepared(None, "ts must be ms since the epoch")
    event_id = event.setdefault("id", time_ordered_id(now_ms))
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= ID_MAX:
        return Prepared(None, f"id must be a string of 1 to {ID_MAX} characters")
    try:
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as error:
        return Prepared(None, f"the event cannot be serialised as JSON: {error}")
    return Prepared(text, None)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _truncate_utf16(text: str, limit: int) -> str:
    if len(text) <= limit // 2:
        return text  # even all astral characters would fit
    units = text.encode("utf-16-le")
    if len(units) <= 2 * limit:
        return text
    # a surrogate pair cut in half is dropped whole
    return units[: 2 * limit].decode("utf-16-le", errors="ignore")


def _json_default(value: Any) -> Any:
    """Extra properties often hold dates, UUIDs and decimals: send them as text, as their JSON form would be."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
