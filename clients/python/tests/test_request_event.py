"""What the middlewares take from a request: the client's address and the URL."""

import unittest

from tmon_client import asgi, wsgi
from tmon_client.request_event import check_trust_proxy, client_ip, normalize_ip


class ClientIp(unittest.TestCase):
    def test_the_peer_unless_a_proxy_is_trusted(self):
        self.assertEqual(client_ip("10.0.0.1", "81.2.69.142", False), "10.0.0.1")
        self.assertEqual(client_ip("10.0.0.1", "81.2.69.142, 10.0.0.2", True), "81.2.69.142")
        self.assertEqual(client_ip("10.0.0.1", None, True), "10.0.0.1")

    def test_n_trusted_proxies_take_the_nth_address_from_the_right(self):
        chain = "1.1.1.1, 81.2.69.142, 10.0.0.2"
        self.assertEqual(client_ip("10.0.0.1", chain, 1), "10.0.0.2")
        self.assertEqual(client_ip("10.0.0.1", chain, 2), "81.2.69.142")
        self.assertEqual(client_ip("10.0.0.1", chain, 9), "1.1.1.1")
        self.assertEqual(client_ip("10.0.0.1", chain, 0), "10.0.0.1")

    def test_a_garbled_forwarded_address_falls_back_to_the_peer(self):
        self.assertEqual(client_ip("10.0.0.1", "unknown", True), "10.0.0.1")

    def test_normalizes_mapped_addresses_and_ports(self):
        self.assertEqual(normalize_ip("::ffff:81.2.69.142"), "81.2.69.142")
        self.assertEqual(normalize_ip("81.2.69.142:5678"), "81.2.69.142")
        self.assertEqual(normalize_ip("[2001:db8::1]:443"), "2001:db8::1")
        self.assertEqual(normalize_ip("2001:db8::1"), "2001:db8::1")

    def test_refuses_a_trust_proxy_setting_that_means_nothing(self):
        for bad in (-1, "yes", 1.5):
            with self.assertRaises(ValueError):
                check_trust_proxy(bad)


class RequestUrl(unittest.TestCase):
    def test_wsgi_prefers_the_raw_request_line_and_quotes_otherwise(self):
        self.assertEqual(wsgi.request_url({"RAW_URI": "/a%20b?x=1"}), "/a%20b?x=1")
        self.assertEqual(wsgi.request_url({"REQUEST_URI": "http://h/p?q"}), "/p?q")
        # PEP 3333: PATH_INFO carries the path's bytes decoded as latin-1
        environ = {"SCRIPT_NAME": "/app", "PATH_INFO": "/é".encode().decode("latin-1"), "QUERY_STRING": "x=1"}
        self.assertEqual(wsgi.request_url(environ), "/app/%C3%A9?x=1")
        self.assertEqual(wsgi.request_url({"PATH_INFO": ""}), "/")

    def test_asgi_prefers_raw_path(self):
        self.assertEqual(asgi.request_url({"raw_path": b"/a%20b", "path": "/a b", "query_string": b"x=1"}), "/a%20b?x=1")
        self.assertEqual(asgi.request_url({"path": "/é", "root_path": "/app", "query_string": b""}), "/app/%C3%A9")
