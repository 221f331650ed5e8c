"""close() at exit: a process that tracks and ends without calling close() still sends what it queued."""

import subprocess
import sys
import textwrap
import time
import unittest

from . import support


def run_script(body: str, timeout: float = 60):
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(body)], capture_output=True, text=True,
                            timeout=timeout)
    return result, time.monotonic() - started


class AtExit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()

    def test_sends_what_is_queued_when_the_process_exits(self):
        service = support.new_service("atexit")
        result, _ = run_script(
            f"""
            from tmon_client import TmonClient
            # a minute's flush interval: only the exit can send these
            client = TmonClient({support.SERVER!r}, {service.wsid}, {service.secret!r}, flush_interval=60)
            for i in range(5):
                client.track(url="/bye", ip="8.8.8.8", useragent="python", id=f"atexit-{{i}}")
            print("queued", client.stats().queued)
            """
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "queued 5")
        self.assertEqual(support.id_counts(service.wsid), {f"atexit-{i}": 1 for i in range(5)})

    def test_a_with_block_closes_the_client_and_sends(self):
        service = support.new_service("with")
        result, _ = run_script(
            f"""
            from tmon_client import TmonClient
            with TmonClient({support.SERVER!r}, {service.wsid}, {service.secret!r}, flush_interval=60,
                            exit_hook=False) as client:
                client.track(url="/with", ip="8.8.8.8", useragent="python", id="with-1")
            print(client.stats().sent)
            """
        )
        self.assertEqual((result.returncode, result.stdout.strip()), (0, "1"), result.stderr)
        self.assertEqual(support.id_counts(service.wsid), {"with-1": 1})

    def test_does_not_hold_the_exit_longer_than_close_timeout_when_tmon_is_unreachable(self):
        result, elapsed = run_script(
            """
            import logging
            logging.basicConfig(level=logging.WARNING)
            from tmon_client import TmonClient
            client = TmonClient("http://127.0.0.1:9", 1, "0cc175b9c0f1b6a831c399e269772661", close_timeout=1,
                                retry_base=0.2)
            client.track(url="/", ip="8.8.8.8", useragent="python")
            """
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(elapsed, 5, f"the exit took {elapsed:.1f} s")
        self.assertIn("could not deliver 1 event(s)", result.stderr)

    def test_a_forked_child_sends_its_own_events_not_the_parents_queue(self):
        service = support.new_service("fork")
        result, _ = run_script(
            f"""
            import os
            from tmon_client import TmonClient
            client = TmonClient({support.SERVER!r}, {service.wsid}, {service.secret!r}, flush_interval=60)
            client.track(url="/parent", ip="8.8.8.8", useragent="python", id="parent-1")
            pid = os.fork()
            if pid == 0:
                client.track(url="/child", ip="8.8.8.8", useragent="python", id="child-1")
                client.close()
                os._exit(0 if client.stats().sent == 1 else 1)
            _, status = os.waitpid(pid, 0)
            print("child", os.waitstatus_to_exitcode(status))
            """
        )
        self.assertEqual((result.returncode, result.stdout.strip()), (0, "child 0"), result.stderr)
        self.assertEqual(support.id_counts(service.wsid), {"parent-1": 1, "child-1": 1})
