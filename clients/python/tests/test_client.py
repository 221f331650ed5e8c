"""TmonClient against a real tmon: batching, ids, retries, refusals, the bounded queue."""

import time
import unittest

from tmon_client import InvalidSettings, TmonClient, TmonError, TMonClient

from . import support
from .fault_proxy import FaultProxy


def event(event_id: str, **more):
    return {"url": f"/items/{event_id}", "ip": "81.2.69.142", "useragent": "Mozilla/5.0 (X11; Linux x86_64)",
            "id": event_id, **more}


class Client(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()

    def client(self, service, **options):
        self.errors = []
        options.setdefault("exit_hook", False)
        options.setdefault("on_error", self.errors.append)
        client = TmonClient(support.SERVER, service.wsid, service.secret, **options)
        self.addCleanup(client.close)
        return client

    def test_batches_many_tracks_into_few_requests_and_stores_each_event_once(self):
        service = support.new_service("batch")
        client = self.client(service, batch_size=100, flush_interval=0.2)
        ids = [f"batch-{i}" for i in range(450)]
        for event_id in ids:
            client.track(**event(event_id))
        self.assertTrue(client.flush(timeout=30))
        stats = client.stats()
        self.assertEqual((stats.sent, stats.failed, stats.dropped, stats.queued), (450, 0, 0, 0))
        self.assertLessEqual(stats.requests, 6, f"450 events in batches of 100: {stats.requests} requests")
        self.assertEqual(support.id_counts(service.wsid), {event_id: 1 for event_id in ids})

    def test_sends_a_partial_batch_after_the_flush_interval_without_being_asked(self):
        service = support.new_service("interval")
        client = self.client(service, batch_size=100, flush_interval=1.0)
        client.track(**event("interval-1"))
        time.sleep(0.2)
        self.assertEqual(client.stats().sent, 0, "not before the interval")
        support.wait_for(lambda: client.stats().sent == 1, 5, "the event sent after the interval")
        self.assertEqual(support.id_counts(service.wsid), {"interval-1": 1})

    def test_stores_every_field_of_an_event_and_keeps_extra_ones(self):
        service = support.new_service("fields")
        client = self.client(service)
        client.track(url="/checkout?step=2", ip="81.2.69.142", useragent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 "
                     "like Mac OS X)", username="ann", method="POST", status=201, duration_ms=42.5,
                     referrer="https://example.com/", id="fields-1", plan="pro")
        self.assertTrue(client.flush(timeout=10))
        [stored] = support.stored_events(service.wsid)
        picked = {key: stored[key] for key in ("url", "ip", "username", "method", "status", "duration_ms", "referrer",
                                               "id", "country", "device")}
        self.assertEqual(picked, {"url": "/checkout?step=2", "ip": "81.2.69.142", "username": "ann", "method": "POST",
                                  "status": 201, "duration_ms": 42.5, "referrer": "https://example.com/",
                                  "id": "fields-1", "country": "GB", "device": "mobile"})
        self.assertEqual(stored["extra"], {"plan": "pro"})

    def test_gives_each_event_a_time_ordered_id_when_it_has_none(self):
        service = support.new_service("ids")
        client = self.client(service)
        for _ in range(3):
            client.track(url="/", ip="8.8.8.8", useragent="x")
        self.assertTrue(client.flush(timeout=10))
        ids = [stored["id"] for stored in support.stored_events(service.wsid)]
        self.assertEqual(len(set(ids)), 3)
        for event_id in ids:
            self.assertRegex(event_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            self.assertLess(abs(int(event_id.replace("-", "")[:12], 16) - time.time() * 1000), 60_000)

    def test_sends_gen2_one_event_per_request_and_tmon_accepts_them(self):
        service = support.new_service("gen2")
        client = self.client(service, protocol="gen2", flush_interval=0.05)
        for i in range(5):
            client.track(**event(f"gen2-{i}", username="bob"))
        self.assertTrue(client.flush(timeout=30))
        stats = client.stats()
        self.assertEqual((stats.sent, stats.failed, stats.requests), (5, 0, 5))
        stored = support.stored_events(service.wsid)
        self.assertEqual(sorted(e["id"] for e in stored), [f"gen2-{i}" for i in range(5)])
        self.assertEqual({e["username"] for e in stored}, {"bob"})

    def test_sends_gen1_too(self):
        service = support.new_service("gen1")
        client = self.client(service, protocol="gen1")
        client.track(**event("gen1-1"))
        self.assertTrue(client.flush(timeout=10))
        self.assertEqual(support.id_counts(service.wsid), {"gen1-1": 1})

    def test_counts_a_wrong_secret_as_failed_after_one_request_without_retrying(self):
        service = support.new_service("secret")
        self.errors = []
        client = TmonClient(support.SERVER, service.wsid, "x" * 32, exit_hook=False, on_error=self.errors.append,
                            max_retries=1000)
        self.addCleanup(client.close)
        for i in range(3):
            client.track(**event(f"secret-{i}"))
        started = time.monotonic()
        self.assertTrue(client.flush(timeout=10))
        self.assertLess(time.monotonic() - started, 5)
        stats = client.stats()
        self.assertEqual((stats.sent, stats.failed, stats.retried, stats.requests), (0, 3, 0, 1))
        [error] = self.errors
        self.assertEqual((error.kind, error.events, error.answer.status), ("refused", 3, 403))
        self.assertEqual(error.answer.body["error"], "decryption_failed")
        self.assertEqual(support.stored_events(service.wsid), [])

    def test_counts_what_a_full_queue_drops_and_keeps_the_newest(self):
        service = support.new_service("drops")
        client = self.client(service, max_queue=10, batch_size=100, flush_interval=60)
        for i in range(25):
            client.track(**event(f"drops-{i}"))
        stats = client.stats()
        self.assertEqual((stats.queued, stats.dropped), (10, 15))
        self.assertEqual([(e.kind, e.events) for e in self.errors], [("queue_full", 1)], "reported once")
        self.assertTrue(client.flush(timeout=10))
        self.assertEqual(client.stats().sent, 10)
        self.assertEqual(support.id_counts(service.wsid), {f"drops-{i}": 1 for i in range(15, 25)})

    def test_drops_and_reports_an_invalid_event_so_it_cannot_sink_its_batch(self):
        service = support.new_service("invalid")
        client = self.client(service)
        client.track(**event("invalid-1", ip="not an address"))
        client.track(**event("invalid-2", status=1000))
        client.track(**event("invalid-3", when=object()))
        client.track(url=None, ip=None, useragent=None)
        client.track(**event("valid-1"))
        self.assertTrue(client.flush(timeout=10))
        self.assertEqual((client.stats().sent, client.stats().dropped), (1, 4))
        self.assertEqual([e.kind for e in self.errors], ["invalid_event"] * 4)
        self.assertIn("ip must be an IPv4 or IPv6 address", str(self.errors[0]))
        self.assertEqual(support.id_counts(service.wsid), {"valid-1": 1})

    def test_retries_after_a_lost_answer_and_stores_nothing_twice(self):
        service = support.new_service("lost")
        proxy = FaultProxy(support.SERVER, ["lose-answer"])
        self.addCleanup(proxy.close)
        self.errors = []
        client = TmonClient(proxy.url, service.wsid, service.secret, exit_hook=False, on_error=self.errors.append,
                            retry_base=0.05)
        self.addCleanup(client.close)
        for i in range(20):
            client.track(**event(f"lost-{i}"))
        self.assertTrue(client.flush(timeout=20))
        stats = client.stats()
        self.assertEqual((stats.sent, stats.retried, stats.failed), (20, 20, 0))
        self.assertEqual(support.id_counts(service.wsid), {f"lost-{i}": 1 for i in range(20)})

    def test_waits_as_long_as_retry_after_says_before_retrying(self):
        service = support.new_service("retryafter")
        proxy = FaultProxy(support.SERVER, ["503"])
        self.addCleanup(proxy.close)
        client = TmonClient(proxy.url, service.wsid, service.secret, exit_hook=False, retry_base=0.01)
        self.addCleanup(client.close)
        client.track(**event("after-503"))
        self.assertTrue(client.flush(timeout=20))
        self.assertEqual(len(proxy.arrivals), 2)
        self.assertGreaterEqual(proxy.arrivals[1] - proxy.arrivals[0], 1.0, "Retry-After: 1 (backoff alone: 10 ms)")
        self.assertEqual((client.stats().sent, client.stats().retried), (1, 1))
        self.assertEqual(support.id_counts(service.wsid), {"after-503": 1})

    def test_gives_up_on_an_unreachable_server_after_its_retries_and_counts_the_events_failed(self):
        self.errors = []
        client = TmonClient("http://127.0.0.1:9", 1, support.VECTOR_SECRET, exit_hook=False,
                            on_error=self.errors.append, max_retries=2, retry_base=0.01, retry_max=0.02)
        self.addCleanup(client.close)
        client.track(**event("nowhere-1"))
        self.assertTrue(client.flush(timeout=10))
        stats = client.stats()
        self.assertEqual((stats.failed, stats.retried, stats.requests), (1, 2, 3))
        self.assertEqual(self.errors[0].kind, "gave_up")
        self.assertIn("ConnectionRefusedError", str(self.errors[0]))

    def test_flush_returns_false_when_its_timeout_passes_first(self):
        client = TmonClient("http://127.0.0.1:9", 1, support.VECTOR_SECRET, exit_hook=False, on_error=lambda e: None,
                            max_retries=100, retry_base=0.2)
        self.addCleanup(client.close, timeout=0)
        client.track(**event("late-1"))
        started = time.monotonic()
        self.assertFalse(client.flush(timeout=0.3))
        self.assertLess(time.monotonic() - started, 1)

    def test_track_after_close_is_dropped_and_counted(self):
        service = support.new_service("closed")
        client = self.client(service)
        client.close()
        client.track(**event("closed-1"))
        self.assertEqual(client.stats().dropped, 1)

    def test_send_delivers_one_event_at_once_and_returns_the_answer(self):
        service = support.new_service("send")
        client = self.client(service)
        answer = client.send(**event("send-1"))
        self.assertEqual((answer.status, answer.body["accepted"]), (200, 1))
        self.assertEqual(support.id_counts(service.wsid), {"send-1": 1})
        with self.assertRaises(TmonError):
            client.send(url="/", ip="nope", useragent="x")


class OriginalCallShape(unittest.TestCase):
    """Code written for the original T-Mon client moves over with a changed import."""

    @classmethod
    def setUpClass(cls):
        support.require_server()

    def test_takes_the_original_settings_dict_and_track_keywords(self):
        service = support.new_service("original")
        client = TMonClient({"secret": service.secret, "wsid": str(service.wsid), "url": support.SERVER + "/"},
                            exit_hook=False)
        self.addCleanup(client.close)
        client.track(**{"url": "/", "useragent": "Mozilla/5.0 (iPad; U; CPU OS 3_2_1 like Mac OS X)",
                        "ip": "72.32.231.8", "id": "original-1"})
        self.assertTrue(client.flush(timeout=10))
        self.assertEqual(support.id_counts(service.wsid), {"original-1": 1})

    def test_refuses_settings_that_are_not_a_complete_dict(self):
        for settings in ("abc", {}, {"url": "http://localhost:8000", "wsid": 1}):
            with self.assertRaises(InvalidSettings, msg=repr(settings)):
                TMonClient(settings)


class Settings(unittest.TestCase):
    def test_refuses_each_misconfiguration_at_construction_with_its_reason(self):
        cases = {
            "server must be a URL": dict(server="localhost:8000"),
            "wsid must be a positive integer": dict(wsid=0),
            "secret must be the service secret": dict(secret="with space"),
            "protocol must be one of v2, gen2, gen1": dict(protocol="gen3"),
            "a Gen 1 secret must be 16, 24 or 32 characters": dict(protocol="gen1", secret="short"),
            "batch_size must be at most 1000": dict(batch_size=1001),
            "max_queue must be a positive integer": dict(max_queue=0),
            "flush_interval must be a number of seconds": dict(flush_interval=-1),
            "timeout must be more than 0 seconds": dict(timeout=0),
        }
        for reason, changed in cases.items():
            arguments = dict(server="http://localhost:8000", wsid=1, secret=support.VECTOR_SECRET, exit_hook=False)
            arguments.update(changed)
            with self.assertRaisesRegex(InvalidSettings, reason, msg=repr(changed)):
                TmonClient(**arguments)
