"""v2, tmon's own protocol: a batch of events in one AES-256-GCM envelope.

The key comes from the secret through HKDF-SHA256 (empty salt, info
``tmon v2``), so the secret never keys a cipher itself; the service id is
bound in as associated data (``tmon:v2:<wsid>``). tmon refuses a repeated
iv (replay) and a ``sent_at`` more than 5 minutes off its clock, so every
attempt is sealed anew.
"""

import base64
import json
import os
import time
from typing import Optional, Sequence

from . import EncodedRequest

IV_BYTES = 12


def derive_v2_key(secret: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"tmon v2").derive(secret.encode("latin-1"))


def v2_plaintext(events_json: Sequence[str], sent_at_ms: int) -> bytes:
    """The plaintext for events already serialised as JSON text."""
    return ('{"sent_at":%d,"events":[%s]}' % (sent_at_ms, ",".join(events_json))).encode("utf-8")


class V2Sealer:
    def __init__(self, secret: str, wsid: int):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(derive_v2_key(secret))  # HKDF once per client, not per request
        self._wsid = wsid
        self._aad = f"tmon:v2:{wsid}".encode("ascii")

    def seal(self, plaintext: bytes, iv: Optional[bytes] = None) -> str:
        """The request body. ``iv`` only for test vectors: reusing an iv under one key breaks GCM."""
        iv = os.urandom(IV_BYTES) if iv is None else iv
        sealed = self._aead.encrypt(iv, plaintext, self._aad)  # ciphertext ‖ 16-byte tag
        envelope = {
            "v": 2,
            "wsid": self._wsid,
            "iv": base64.b64encode(iv).decode("ascii"),
            "data": base64.b64encode(sealed).decode("ascii"),
        }
        return json.dumps(envelope, separators=(",", ":"))

    def encode(self, events_json: Sequence[str]) -> EncodedRequest:
        body = self.seal(v2_plaintext(events_json, int(time.time() * 1000)))
        return EncodedRequest("application/json", body.encode("ascii"))
