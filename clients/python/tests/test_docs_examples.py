"""The examples of docs/python.md (tmon's documentation page for this package) run as written against a real tmon."""

import pathlib
import re
import subprocess
import sys
import threading
import unittest
import wsgiref.simple_server

from . import support
from .test_wsgi import QuietHandler

PAGE = pathlib.Path(__file__).resolve().parents[3] / "docs" / "python.md"


def example(name: str, service: support.Service) -> str:
    """The code block after <!-- example: NAME -->, pointed at the tmon under test and the given service."""
    match = re.search(rf"<!-- example: {name} -->\s*```python\n(.*?)```", PAGE.read_text(), re.S)
    assert match, f"docs/python.md has the {name} example"
    code = match.group(1)
    wsid = "wsid=1" if "wsid=1" in code else '"wsid": 1'
    for placeholder, value in (('"http://localhost:8000', f'"{support.SERVER}'),
                               (wsid, wsid.replace("1", str(service.wsid))),
                               ('"your 32-character service secret"', repr(service.secret))):
        assert placeholder in code, f"the {name} example has {placeholder}"
        code = code.replace(placeholder, value)
    return code


class DocsExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()
        if not PAGE.exists():
            raise unittest.SkipTest(f"{PAGE} is not here: the tests run from tmon's checkout")

    def run_script(self, code: str) -> None:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "", "no warning: nothing was dropped or refused")

    def test_the_track_example_stores_its_event_when_the_script_ends(self):
        service = support.new_service("doc-track")
        self.run_script(example("python-track", service))
        [event] = support.stored_events(service.wsid)
        self.assertEqual((event["url"], event["username"], event["status"], event["extra"]),
                         ("/checkout", "ann", 200, {"plan": "pro"}))

    def test_the_original_client_example_stores_its_event(self):
        service = support.new_service("doc-original")
        self.run_script(example("python-original", service))
        [event] = support.stored_events(service.wsid)
        self.assertEqual((event["url"], event["ip"]), ("/", "72.32.231.8"))

    def test_the_flask_example_records_a_request(self):
        service = support.new_service("doc-flask")
        namespace = {"__name__": "flask_example"}
        exec(compile(example("python-flask", service), "docs/python.md (python-flask)", "exec"), namespace)
        tmon = namespace["tmon"]
        self.addCleanup(tmon.close)
        server = wsgiref.simple_server.make_server("127.0.0.1", 0, namespace["app"], handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(lambda: (server.shutdown(), server.server_close()))
        status, body = support.http_request(f"http://127.0.0.1:{server.server_port}/?q=1",
                                            headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"})
        self.assertEqual((status, body), (200, b"hello"))
        support.wait_for(lambda: sum(tmon.stats()[:3]) == 1, 5, "the request tracked")
        self.assertTrue(tmon.flush(timeout=10))
        [event] = support.stored_events(service.wsid)
        self.assertEqual((event["url"], event["username"], event["method"], event["status"]), ("/?q=1", "ann", "GET", 200))

    def test_every_other_block_of_the_page_says_why_it_is_not_run(self):
        run_here = {"python-track", "python-original", "python-flask"}
        silent = []
        for match in re.finditer(r"(?:<!-- (example: [\w-]+|not run: [^>]+) -->\n)?```(\w+)\n", PAGE.read_text()):
            marker, language = match.group(1) or "", match.group(2)
            if language in ("python", "sh", "bash") and not marker.startswith("not run:") and \
                    marker.removeprefix("example: ") not in run_here:
                silent.append(f"{language} block at offset {match.start()} ({marker or 'no marker'})")
        self.assertEqual(silent, [])
