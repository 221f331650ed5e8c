"""Generation 1, the original T-Mon protocol: the JSON encrypted with AES-CFB8, key = the secret, zero IV.

It encrypts but does not authenticate; kept for servers that speak only
the original protocols. Needs ``cryptography``.
"""

import base64
import urllib.parse

from . import EncodedRequest
from .gen2 import FORM


def _cfb8_mode():
    try:  # cryptography ≥ 43 keeps CFB8 among its "decrepit" algorithms
        from cryptography.hazmat.decrepit.ciphers.modes import CFB8
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.modes import CFB8
    return CFB8


class Gen1Encryptor:
    def __init__(self, secret: str, wsid: int):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

        key = secret.encode("latin-1")
        if len(key) not in (16, 24, 32):
            raise ValueError("a Gen 1 secret must be 16, 24 or 32 characters")
        self._cipher = Cipher(algorithms.AES(key), _cfb8_mode()(bytes(16)))
        self._wsid = wsid

    def encrypt(self, payload: bytes) -> str:
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(payload) + encryptor.finalize()).decode("ascii")

    def encode(self, payload: bytes) -> EncodedRequest:
        body = urllib.parse.urlencode({"wsid": self._wsid, "data": self.encrypt(payload)})
        return EncodedRequest(FORM, body.encode("ascii"))
