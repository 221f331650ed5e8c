"""What the tests share: the tmon they run against (started by test/client/python-client.test.ts), its API, waiting.

The Node test passes, through the environment:
- TMON_TEST_SERVER: tmon's base URL
- TMON_TEST_TOKEN: an admin-scoped API token (to create services and read what was stored)
- TMON_TEST_CONTROL: a URL that stops (POST /stop) and starts again (POST /start) that tmon, same port and data
"""

import json
import os
import secrets
import time
import unittest
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, List, NamedTuple, Optional

SERVER = os.environ.get("TMON_TEST_SERVER", "")
TOKEN = os.environ.get("TMON_TEST_TOKEN", "")
CONTROL = os.environ.get("TMON_TEST_CONTROL", "")
VECTOR_SECRET = "0cc175b9c0f1b6a831c399e269772661"


class Service(NamedTuple):
    wsid: int
    secret: str
    name: str


def require_server() -> None:
    if not SERVER or not TOKEN:
        raise unittest.SkipTest("no tmon to test against: run through test/client/python-client.test.ts")


def api(method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{SERVER}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["results"]


def new_service(label: str) -> Service:
    """A service of its own for each test: what one test stores never counts in another's."""
    name = f"py-{label}-{secrets.token_hex(3)}"[:40]
    created = api("POST", "/api/services", {"name": name})
    return Service(created["id"], created["secret"], name)


def stored_events(wsid: int, limit: int = 500) -> List[Dict[str, Any]]:
    """The latest events of the service, newest first, every stored field."""
    return api("GET", f"/{wsid}/data/latest?limit={limit}")


def id_counts(wsid: int) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for event in stored_events(wsid):
        counts[event["id"]] = counts.get(event["id"], 0) + 1
    return counts


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"{what} not met within {timeout} s")
        time.sleep(0.05)


def control(action: str) -> None:
    """Stops or starts the tmon under test (the Node test owns its process)."""
    if not CONTROL:
        raise unittest.SkipTest("no TMON_TEST_CONTROL: cannot stop and start tmon")
    request = urllib.request.Request(f"{CONTROL}/{action}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200, f"control {action}: {response.status}"



def http_request(url: str, method: str = "GET", headers: Optional[Dict[str, str]] = None,
                 body: Optional[bytes] = None) -> "tuple[int, bytes]":
    """(status, body) of one request, error statuses included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Recorder:
    """A tracker that keeps the events a middleware hands it (for tests of what it records, not how it is sent)."""

    def __init__(self, fail: bool = False):
        self.events: List[Dict[str, Any]] = []
        self.fail = fail

    def track(self, **event: Any) -> None:
        if self.fail:
            raise RuntimeError("the tracker is broken")
        self.events.append(event)
