"""The wire formats against tmon's published test vectors, and against a live tmon."""

import json
import os
import subprocess
import sys
import textwrap
import unittest
import urllib.error
import urllib.request

from tmon_client.protocols import encoder_for
from tmon_client.protocols.gen1 import Gen1Encryptor
from tmon_client.protocols.gen2 import encode_gen2, sign_gen2
from tmon_client.protocols.v2 import V2Sealer, derive_v2_key, v2_plaintext

from . import support

SECRET = support.VECTOR_SECRET
# the original client's json.dumps() spacing: the vectors sign and encrypt these exact bytes
VECTOR_JSON = b'{"url": "/", "ip": "8.8.8.8", "useragent": "x"}'


class Vectors(unittest.TestCase):
    def test_gen2_body_matches_the_vector(self):
        body = encode_gen2(VECTOR_JSON, 1, SECRET).body.decode()
        self.assertEqual(
            body,
            "wsid=1&data=eyJ1cmwiOiAiLyIsICJpcCI6ICI4LjguOC44IiwgInVzZXJhZ2VudCI6ICJ4In0%3D"
            "&signature=50df56874d1ae1d20d71d77adca42de0cc0f9acf",
        )
        self.assertEqual(sign_gen2(VECTOR_JSON, SECRET), "50df56874d1ae1d20d71d77adca42de0cc0f9acf")

    def test_gen1_body_matches_the_vector(self):
        body = Gen1Encryptor(SECRET, 1).encode(VECTOR_JSON).body.decode()
        self.assertEqual(body, "wsid=1&data=wH2jEPWIed%2Fp0Nrvum2gvmPHM1v%2BHkBIMQDbJAoUtzC55yrabYYij%2BNu%2FisjwAQ%3D")

    def test_v2_key_derivation_matches_the_vector(self):
        self.assertEqual(derive_v2_key(SECRET).hex(), "51c24e2360882a6a849bbd2f8959054a09eb821fc9cfec22416ca0e17be2c018")

    def test_v2_body_matches_the_vector_with_its_fixed_iv_and_sent_at(self):
        plaintext = v2_plaintext(['{"url":"/","ip":"8.8.8.8","useragent":"x"}'], 1764000000000)
        self.assertEqual(plaintext, b'{"sent_at":1764000000000,"events":[{"url":"/","ip":"8.8.8.8","useragent":"x"}]}')
        body = V2Sealer(SECRET, 1).seal(plaintext, iv=bytes.fromhex("000102030405060708090a0b"))
        self.assertEqual(
            body,
            '{"v":2,"wsid":1,"iv":"AAECAwQFBgcICQoL","data":"84xWb6TMzTqSGeYSrENbiAwtaaTd1if2U3/KYaXiZtbaJoW1LicVmGrlToFs5fE'
            'xaFlI5C1YEe0QVqn1K6WMzEiMpYalCKNo9ZDamWsphVia/cDG/DA0/SLPixv0dOE="}',
        )

    def test_v2_seals_every_attempt_with_a_fresh_iv(self):
        encode = encoder_for("v2", 1, SECRET)
        first, second = encode(['{"url":"/"}']), encode(['{"url":"/"}'])
        self.assertEqual(first.content_type, "application/json")
        self.assertNotEqual(first.body, second.body)

    def test_the_legacy_protocols_carry_exactly_one_event(self):
        with self.assertRaisesRegex(ValueError, "exactly one event"):
            encoder_for("gen2", 1, SECRET)(["{}", "{}"])


class AgainstTmon(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        support.require_server()

    def post(self, content_type: str, body: bytes):
        request = urllib.request.Request(f"{support.SERVER}/data/collect", data=body,
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def test_the_gen2_vector_is_accepted_by_a_service_with_that_secret_and_id_1(self):
        # the Node test makes service 1 with the vectors' secret
        status, body = self.post("application/x-www-form-urlencoded", encode_gen2(VECTOR_JSON, 1, SECRET).body)
        self.assertEqual((status, body), (200, {"status": 200, "status_code": 200, "accepted": 1}))

    def test_the_v2_vector_is_refused_as_stale_by_a_live_server(self):
        body = V2Sealer(SECRET, 1).seal(
            v2_plaintext(['{"url":"/","ip":"8.8.8.8","useragent":"x"}'], 1764000000000),
            iv=bytes.fromhex("000102030405060708090a0b"),
        )
        status, answer = self.post("application/json", body.encode())
        self.assertEqual((status, answer["error"]), (403, "stale"))

    def test_gen2_needs_only_the_standard_library(self):
        """With cryptography made unimportable, Gen 2 still sends, and v2 says at construction what it needs."""
        service = support.new_service("stdlib")
        script = textwrap.dedent(
            f"""
            import sys
            sys.modules["cryptography"] = None  # import cryptography now raises ImportError
            from tmon_client import TmonClient, InvalidSettings
            try:
                TmonClient({support.SERVER!r}, {service.wsid}, {service.secret!r})
            except InvalidSettings as error:
                print("v2:", error)
            client = TmonClient({support.SERVER!r}, {service.wsid}, {service.secret!r}, protocol="gen2")
            client.track(url="/stdlib", ip="8.8.8.8", useragent="python", id="stdlib-1")
            client.close()
            print("sent:", client.stats().sent)
            """
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"v2: .*needs the cryptography package")
        self.assertIn("sent: 1", result.stdout)
        self.assertEqual(support.id_counts(service.wsid), {"stdlib-1": 1})


class Installed(unittest.TestCase):
    def test_runs_the_package_pip_installed_into_the_venv_not_the_checkout(self):
        import tmon_client

        venv = os.environ.get("TMON_TEST_VENV")
        if not venv:
            raise unittest.SkipTest("no TMON_TEST_VENV: run through test/client/python-client.test.ts")
        self.assertTrue(os.path.realpath(tmon_client.__file__).startswith(os.path.realpath(venv) + os.sep),
                        tmon_client.__file__)
