"""The id the client gives an event that has none: a UUIDv7 (RFC 9562).

The time in milliseconds comes first, then 74 random bits. tmon keeps an
index of ids per service to store each once; ids that start with the time
land next to each other at the end of that index, where random ones (UUIDv4)
each land on a page of their own, which costs the store more per event.
"""

import os
import uuid


def time_ordered_id(now_ms: int) -> str:
    random = int.from_bytes(os.urandom(10), "big")
    rand_a = random >> 68  # 12 bits
    rand_b = random & ((1 << 62) - 1)
    value = (max(0, now_ms) & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))
