"""Events (as JSON text) → one request body in the chosen protocol (tmon's docs/protocol.md)."""

from typing import Callable, NamedTuple, Sequence

V2_MAX_EVENTS = 1000
#: tmon's limit for a v2 body
V2_MAX_BODY_BYTES = 1024 * 1024
#: the largest plaintext that stays under the body limit once sealed: base64 grows it by 4/3, the envelope takes < 1 KiB
V2_MAX_PLAINTEXT_BYTES = (V2_MAX_BODY_BYTES - 1024) * 3 // 4
PROTOCOLS = ("v2", "gen2", "gen1")


class EncodedRequest(NamedTuple):
    content_type: str
    body: bytes


def events_per_request(protocol: str) -> int:
    return V2_MAX_EVENTS if protocol == "v2" else 1


def encoder_for(protocol: str, wsid: int, secret: str) -> Callable[[Sequence[str]], EncodedRequest]:
    """The encoder of one client: keys are derived (and ``cryptography`` imported) once, here.

    Call the result again for every attempt: a v2 request is sealed with a
    fresh iv and ``sent_at`` each time, as tmon requires of a retry.
    """
    if protocol == "v2":
        from .v2 import V2Sealer

        sealer = V2Sealer(secret, wsid)
        return sealer.encode
    if protocol == "gen2":
        from .gen2 import encode_gen2

        return lambda events: encode_gen2(_single(events, protocol).encode("utf-8"), wsid, secret)
    if protocol == "gen1":
        from .gen1 import Gen1Encryptor

        encryptor = Gen1Encryptor(secret, wsid)
        return lambda events: encryptor.encode(_single(events, protocol).encode("utf-8"))
    raise ValueError(f"unknown protocol {protocol!r}")


def _single(events: Sequence[str], protocol: str) -> str:
    if len(events) != 1:
        raise ValueError(f"{protocol} carries exactly one event per request")
    return events[0]
