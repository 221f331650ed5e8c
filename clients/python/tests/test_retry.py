"""How long the client waits before a retry, and which answers it retries."""

import email.utils
import unittest

from tmon_client.retry import RetryPolicy, is_retryable_status, retry_delay
from tmon_client.transport import collect_url, parse_retry_after

POLICY = RetryPolicy(max_retries=10, base=0.5, maximum=30.0)


class Backoff(unittest.TestCase):
    def test_doubles_from_base_to_max_with_half_of_it_random(self):
        for retry, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (5, 16.0), (6, 30.0), (20, 30.0)]:
            self.assertEqual(retry_delay(retry, POLICY, None, random=lambda: 0.0), ceiling / 2)
            self.assertEqual(retry_delay(retry, POLICY, None, random=lambda: 1.0), ceiling)

    def test_never_retries_earlier_than_retry_after_and_caps_it_at_five_minutes(self):
        self.assertEqual(retry_delay(0, POLICY, 3.0, random=lambda: 0.0), 3.0)
        self.assertAlmostEqual(retry_delay(0, POLICY, 3.0, random=lambda: 1.0), 3.3)
        self.assertEqual(retry_delay(0, POLICY, 86_400.0, random=lambda: 0.0), 300.0)

    def test_retries_network_trouble_408_429_and_5xx_but_no_other_4xx(self):
        self.assertEqual([s for s in (400, 401, 403, 404, 408, 413, 415, 429, 500, 502, 503) if is_retryable_status(s)],
                         [408, 429, 500, 502, 503])


class RetryAfterHeader(unittest.TestCase):
    def test_reads_seconds_and_http_dates_and_ignores_garbage(self):
        now = 1_764_000_000.0
        self.assertEqual(parse_retry_after("5", now), 5.0)
        self.assertEqual(parse_retry_after(email.utils.formatdate(now + 7, usegmt=True), now), 7.0)
        self.assertEqual(parse_retry_after(email.utils.formatdate(now - 7, usegmt=True), now), 0.0)
        for garbage in (None, "", "soon", "-1", "1.5"):
            self.assertIsNone(parse_retry_after(garbage, now), garbage)


class CollectUrl(unittest.TestCase):
    def test_appends_data_collect_to_a_base_url_and_keeps_a_full_one(self):
        self.assertEqual(collect_url("http://localhost:8000"), "http://localhost:8000/data/collect")
        self.assertEqual(collect_url("https://example.com/tmon/"), "https://example.com/tmon/data/collect")
        self.assertEqual(collect_url("https://example.com/data/collect"), "https://example.com/data/collect")
        with self.assertRaises(ValueError):
            collect_url("localhost:8000")
