"""An HTTP proxy in front of the real tmon that misbehaves on cue, for the retry tests.

Each POST takes the next step of its script, then forwards as is once the script is done:
- "503": answers 503 with Retry-After: 1 itself; tmon never sees the request
- "lose-answer": forwards to tmon (which stores the events), then hangs up without answering
"""

import http.client
import http.server
import threading
import time
import urllib.parse
from typing import List


class FaultProxy:
    def __init__(self, upstream: str, script: List[str]):
        self.script = list(script)
        self.arrivals: List[float] = []
        parts = urllib.parse.urlsplit(upstream)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                proxy.arrivals.append(time.monotonic())
                step = proxy.script.pop(0) if proxy.script else "forward"
                if step == "503":
                    answer = b'{"status":503,"status_code":503,"error":"overloaded","message":"busy"}'
                    self.send_response(503)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                upstream_connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                upstream_connection.request("POST", self.path, body=body,
                                            headers={"Content-Type": self.headers["Content-Type"]})
                response = upstream_connection.getresponse()
                answer = response.read()
                upstream_connection.close()
                if step == "lose-answer":
                    self.close_connection = True  # stored upstream, and the client never hears of it
                    return
                self.send_response(response.status)
                for name in ("Content-Type", "Retry-After"):
                    if response.getheader(name):
                        self.send_header(name, response.getheader(name))
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):  # noqa: A002 — the base class's name
                return  # the test reads arrivals, not a log

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
