"""Generation 2, the original T-Mon client's protocol: the JSON in clear (base64), signed with HMAC-SHA1.

Standard library only. It authenticates but does not hide the events:
prefer v2 wherever the server is tmon.
"""

import base64
import hashlib
import hmac
import urllib.parse

from . import EncodedRequest

FORM = "application/x-www-form-urlencoded"


def sign_gen2(payload: bytes, secret: str) -> str:
    """HMAC-SHA1 over exactly the bytes sent, as 40 lowercase hex digits."""
    return hmac.new(secret.encode("latin-1"), payload, hashlib.sha1).hexdigest()


def encode_gen2(payload: bytes, wsid: int, secret: str) -> EncodedRequest:
    fields = {"wsid": wsid, "data": base64.b64encode(payload).decode("ascii"), "signature": sign_gen2(payload, secret)}
    return EncodedRequest(FORM, urllib.parse.urlencode(fields).encode("ascii"))
