"""What track() does to an event before it is queued: checks, truncation, the id and the time."""

import datetime
import json
import time
import unittest
import uuid

from tmon_client.event_id import time_ordered_id
from tmon_client.prepare_event import prepare_event

NOW = 1_764_000_000_000


def prepared(**fields):
    result = prepare_event({"url": "/", "ip": "8.8.8.8", "useragent": "x", **fields}, NOW)
    return json.loads(result.json) if result.json is not None else result.reason


class PrepareEvent(unittest.TestCase):
    def test_fills_in_the_time_and_a_uuid7_id_and_drops_none_fields(self):
        event = prepared(username=None)
        self.assertEqual(event["ts"], NOW)
        self.assertNotIn("username", event)
        parsed = uuid.UUID(event["id"])
        self.assertEqual((parsed.version, parsed.variant), (7, uuid.RFC_4122))
        self.assertEqual(int(event["id"].replace("-", "")[:12], 16), NOW)

    def test_keeps_an_id_and_ts_given_and_extra_fields_with_dates_as_text(self):
        event = prepared(id="order-1", ts=NOW - 5, plan="pro", at=datetime.date(2026, 1, 2), nested={"a": [1]})
        self.assertEqual((event["id"], event["ts"], event["plan"], event["at"], event["nested"]),
                         ("order-1", NOW - 5, "pro", "2026-01-02", {"a": [1]}))

    def test_truncates_texts_to_tmons_limits_counting_utf16_units(self):
        event = prepared(url="/" + "a" * 3000, useragent="b" * 2000, username="😀" * 200)
        self.assertEqual((len(event["url"]), len(event["useragent"])), (2048, 1024))
        self.assertEqual(event["username"], "😀" * 128, "256 UTF-16 units, no half surrogate pair")

    def test_a_missing_user_agent_is_kept_as_empty(self):
        result = prepare_event({"url": "/", "ip": "::1"}, NOW)
        self.assertEqual(json.loads(result.json)["useragent"], "")

    def test_refuses_what_tmon_would_refuse_with_the_reason(self):
        cases = {
            "url must be a string": dict(url=None),
            "ip must be an IPv4 or IPv6 address, not '999.1.1.1'": dict(ip="999.1.1.1"),
            "useragent must be a string": dict(useragent=5),
            "status must be an integer from 100 to 599": dict(status=99),
            "duration_ms must be a number ≥ 0": dict(duration_ms=float("nan")),
            "ts must be ms since the epoch": dict(ts="now"),
            "id must be a string of 1 to 64 characters": dict(id="x" * 65),
            "the event cannot be serialised as JSON": dict(extra=object()),
        }
        for reason, fields in cases.items():
            self.assertTrue(str(prepared(**fields)).startswith(reason), f"{fields}: {prepared(**fields)}")
        self.assertEqual(prepared(status=True), "status must be an integer from 100 to 599", "a bool is no status")

    def test_ids_made_a_millisecond_apart_sort_in_time_order(self):
        now = int(time.time() * 1000)
        ids = [time_ordered_id(now + step) for step in range(50)]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(time_ordered_id(now) for _ in range(1000))), 1000)
