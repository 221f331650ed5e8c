"""The WSGI middleware under a real Flask app, served by wsgiref on 127.0.0.1 and called over HTTP."""

import logging
import threading
import time
import unittest
import wsgiref.simple_server

import flask

from tmon_client import TmonClient
from tmon_client.wsgi import TmonMiddleware

from . import support

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 — the base class's name
        return  # no access log on the test's output


def flask_app() -> flask.Flask:
    app = flask.Flask("wsgi-test-shop")
    app.logger.disabled = True  # /boom's traceback is expected

    @app.before_request
    def sign_in():
        flask.g.user = flask.request.headers.get("X-Test-User")

    @app.route("/hello")
    def hello():
        time.sleep(0.05)
        return "hi", 201

    @app.route("/boom", methods=["POST"])
    def boom():
        raise RuntimeError("boom")

    return app


def serve(app) -> str:
    server = wsgiref.simple_server.make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    serve.cleanups.append(lambda: (server.shutdown(), server.server_close()))
    return f"http://127.0.0.1:{server.server_port}"


serve.cleanups = []


class FlaskUnderWsgiref(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()

    def tearDown(self):
        while serve.cleanups:
            serve.cleanups.pop()()

    def tracked_app(self, **options):
        self.service = support.new_service("wsgi")
        self.client = TmonClient(support.SERVER, self.service.wsid, self.service.secret, exit_hook=False)
        self.addCleanup(self.client.close)
        app = flask_app()
        app.wsgi_app = TmonMiddleware(app.wsgi_app, self.client, username=lambda environ: flask.g.get("user"),
                                      **options)
        return serve(app)

    def stored(self, count: int = 1):
        # the middleware tracks once the response is done, which may be just after the HTTP client has it
        support.wait_for(lambda: sum(self.client.stats()[:3]) >= count, 5, f"{count} event(s) tracked")
        self.assertTrue(self.client.flush(timeout=10))
        return support.stored_events(self.service.wsid)

    def test_records_url_ip_user_agent_method_status_duration_and_username(self):
        url = self.tracked_app()
        status, body = support.http_request(f"{url}/hello?x=1&y=%C3%A9", headers={
            "User-Agent": UA, "X-Test-User": "ann", "X-Forwarded-For": "81.2.69.142", "Referer": "https://example.com/"})
        self.assertEqual((status, body), (201, b"hi"))
        [event] = self.stored()
        picked = {key: event[key] for key in ("url", "ip", "useragent", "method", "status", "username", "referrer",
                                              "device")}
        self.assertEqual(picked, {"url": "/hello?x=1&y=%C3%A9", "ip": "127.0.0.1", "useragent": UA, "method": "GET",
                                  "status": 201, "username": "ann", "referrer": "https://example.com/",
                                  "device": "mobile"})
        self.assertGreaterEqual(event["duration_ms"], 50)
        self.assertLess(event["duration_ms"], 5000)

    def test_takes_the_first_forwarded_for_address_only_when_told_to_trust_the_proxy(self):
        url = self.tracked_app(trust_proxy=True)
        support.http_request(f"{url}/hello", headers={"User-Agent": UA, "X-Forwarded-For": "81.2.69.142, 10.0.0.1"})
        support.http_request(f"{url}/hello", headers={"User-Agent": UA, "X-Forwarded-For": "not-an-ip"})
        stored = self.stored(2)
        self.assertEqual(sorted(e["ip"] for e in stored), ["127.0.0.1", "81.2.69.142"])
        self.assertEqual({e["country"] for e in stored if e["ip"] == "81.2.69.142"}, {"GB"})

    def test_records_a_failing_view_as_500_and_a_request_without_user_agent_or_user(self):
        url = self.tracked_app()
        status, _ = support.http_request(f"{url}/boom", method="POST", body=b"x", headers={"User-Agent": ""})
        self.assertEqual(status, 500)
        [event] = self.stored()
        self.assertEqual((event["url"], event["method"], event["status"], event["username"]), ("/boom", "POST", 500, None))

    def test_serves_unchanged_when_the_tracker_or_the_username_getter_fails(self):
        app = flask_app()
        broken = support.Recorder(fail=True)
        with self.assertLogs("tmon_client", level=logging.WARNING) as logs:
            app.wsgi_app = TmonMiddleware(app.wsgi_app, broken, username=lambda environ: 1 / 0)
            url = serve(app)
            self.assertEqual(support.http_request(f"{url}/hello"), (201, b"hi"))
            support.wait_for(lambda: any("could not be tracked" in line for line in logs.output), 5, "the failure logged")
        self.assertTrue(any("event is sent without it" in line for line in logs.output), logs.output)

    def test_skips_what_skip_says_and_adds_fields(self):
        app = flask_app()
        recorder = support.Recorder()
        app.wsgi_app = TmonMiddleware(app.wsgi_app, recorder, skip=lambda environ: environ["PATH_INFO"] == "/healthz",
                                      fields=lambda environ: {"app": "shop"})
        url = serve(app)
        support.http_request(f"{url}/healthz")
        support.http_request(f"{url}/hello")
        support.wait_for(lambda: recorder.events, 5, "the request recorded")
        self.assertEqual([(e["url"], e["app"]) for e in recorder.events], [("/hello", "shop")])
