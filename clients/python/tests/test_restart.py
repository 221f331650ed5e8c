"""Across a real restart of tmon (stopped and started again on the same port and data by the Node test)."""

import time
import unittest

from tmon_client import TmonClient

from . import support


class AcrossARestart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()
        if not support.CONTROL:
            raise unittest.SkipTest("no TMON_TEST_CONTROL: cannot stop and start tmon")

    def test_delivers_every_event_exactly_once_when_tmon_stops_and_comes_back(self):
        service = support.new_service("restart")
        errors = []
        client = TmonClient(support.SERVER, service.wsid, service.secret, batch_size=10, flush_interval=0.05,
                            retry_base=0.1, retry_max=0.4, max_retries=1000, exit_hook=False, on_error=errors.append)
        ids = []

        def track(count: int, prefix: str) -> None:
            for i in range(count):
                ids.append(f"{prefix}-{i}")
                client.track(url=f"/{prefix}", ip="8.8.8.8", useragent="python", id=f"{prefix}-{i}")

        try:
            track(25, "before")
            self.assertTrue(client.flush(timeout=10))
            self.assertEqual(client.stats().sent, 25)

            support.control("stop")
            try:
                track(30, "while-down")
                time.sleep(1.0)
                self.assertEqual(client.stats().sent, 25, "nothing got through while tmon was down")
                self.assertGreater(client.stats().retried, 0, "it kept retrying")
            finally:
                support.control("start")
            track(15, "after")
            self.assertTrue(client.flush(timeout=30))
            stats = client.stats()
            self.assertEqual((stats.sent, stats.failed, stats.dropped), (70, 0, 0), errors)
        finally:
            client.close()
        counts = support.id_counts(service.wsid)
        self.assertEqual(counts, {event_id: 1 for event_id in ids}, "every event stored exactly once")
