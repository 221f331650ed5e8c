"""The ASGI middleware under uvicorn on 127.0.0.1, called over HTTP: a Starlette app and a plain ASGI app."""

import asyncio
import threading
import unittest

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tmon_client import TmonClient
from tmon_client.asgi import TmonMiddleware

from . import support

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def starlette_app() -> Starlette:
    async def hello(request):
        request.state.user = request.headers.get("x-test-user")
        await asyncio.sleep(0.05)
        return PlainTextResponse("hi", status_code=201)

    async def boom(request):
        raise RuntimeError("boom")

    return Starlette(routes=[Route("/hello", hello), Route("/boom", boom, methods=["POST"])])


async def plain_app(scope, receive, send):
    """An ASGI application without a framework."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Uvicorn:
    """uvicorn in a thread of the test; its own proxy-header handling off, so the middleware's is what is tested."""

    def __init__(self, app):
        config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", proxy_headers=False,
                                log_level="critical", access_log=False)
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None  # not the main thread
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        support.wait_for(lambda: self.server.started, 10, "uvicorn started")
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


class UnderUvicorn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()

    def serve(self, app, **options):
        self.service = support.new_service("asgi")
        self.client = TmonClient(support.SERVER, self.service.wsid, self.service.secret, exit_hook=False)
        self.addCleanup(self.client.close)
        server = Uvicorn(TmonMiddleware(app, self.client, **options))
        self.addCleanup(server.stop)
        return server.url

    def stored(self, count: int = 1):
        # the middleware tracks once the response is done, which may be just after the HTTP client has it
        support.wait_for(lambda: sum(self.client.stats()[:3]) >= count, 5, f"{count} event(s) tracked")
        self.assertTrue(self.client.flush(timeout=10))
        return support.stored_events(self.service.wsid)

    def test_records_a_starlette_request_with_every_field(self):
        app = starlette_app()
        url = self.serve(app, username=lambda scope: scope.get("state", {}).get("user"))
        status, body = support.http_request(f"{url}/hello?page=2", headers={
            "User-Agent": UA, "X-Test-User": "ann", "X-Forwarded-For": "81.2.69.142"})
        self.assertEqual((status, body), (201, b"hi"))
        [event] = self.stored()
        picked = {key: event[key] for key in ("url", "ip", "useragent", "method", "status", "username", "browser")}
        self.assertEqual(picked, {"url": "/hello?page=2", "ip": "127.0.0.1", "useragent": UA, "method": "GET",
                                  "status": 201, "username": "ann", "browser": "Chrome"})
        self.assertGreaterEqual(event["duration_ms"], 50)
        self.assertLess(event["duration_ms"], 5000)

    def test_added_with_add_middleware_trusting_the_proxy(self):
        self.service = support.new_service("asgi")
        self.client = TmonClient(support.SERVER, self.service.wsid, self.service.secret, exit_hook=False)
        self.addCleanup(self.client.close)
        app = starlette_app()
        app.add_middleware(TmonMiddleware, client=self.client, trust_proxy=True)
        server = Uvicorn(app)
        self.addCleanup(server.stop)
        support.http_request(f"{server.url}/hello", headers={"User-Agent": UA, "X-Forwarded-For": "81.2.69.142, 10.0.0.1"})
        [event] = self.stored()
        self.assertEqual((event["ip"], event["country"], event["username"]), ("81.2.69.142", "GB", None))

    def test_records_an_exception_in_the_app_as_500(self):
        url = self.serve(starlette_app())
        status, _ = support.http_request(f"{url}/boom", method="POST", body=b"x")
        self.assertEqual(status, 500)
        [event] = self.stored()
        self.assertEqual((event["url"], event["method"], event["status"]), ("/boom", "POST", 500))

    def test_records_a_plain_asgi_app_with_n_trusted_proxies(self):
        # one proxy of ours in front: the client is the address it appended, the last one of X-Forwarded-For
        url = self.serve(plain_app, trust_proxy=1)
        status, _ = support.http_request(f"{url}/api/items?id=7", method="DELETE",
                                         headers={"User-Agent": "curl/8.5.0", "X-Forwarded-For": "1.2.3.4, 81.2.69.142"})
        self.assertEqual(status, 204)
        [event] = self.stored()
        picked = {key: event[key] for key in ("url", "ip", "useragent", "method", "status")}
        self.assertEqual(picked, {"url": "/api/items?id=7", "ip": "81.2.69.142", "useragent": "curl/8.5.0",
                                  "method": "DELETE", "status": 204})

    def test_serves_unchanged_when_the_tracker_fails(self):
        server = Uvicorn(TmonMiddleware(plain_app, support.Recorder(fail=True)))
        self.addCleanup(server.stop)
        with self.assertLogs("tmon_client", level="WARNING") as logs:
            self.assertEqual(support.http_request(f"{server.url}/"), (204, b""))
            support.wait_for(lambda: any("could not be tracked" in line for line in logs.output), 5, "the failure logged")
