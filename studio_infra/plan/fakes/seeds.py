"""The seed of every fake value: stable digests of a resource's URN or an invoke's query.

Two runs of the same program must give the same plan, and a change in one resource must never
shift another's fake id; so nothing fake is random or counted across resources, all of it is
a digest of what names the resource.
"""

from __future__ import annotations

import hashlib


def digest(*parts: str) -> str:
    """A stable hex digest of ``parts``; the seed of every fake value."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def uuid_from(seed: str) -> str:
    """A UUID-shaped id derived from ``seed``."""
    h = digest(seed, "uuid") + digest(seed, "uuid2")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
