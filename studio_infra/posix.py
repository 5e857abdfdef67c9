"""POSIX identities of Studio users, stable for the life of a domain.

A user's uid/gid own their files on shared EFS. If adding or removing another user could
change someone's uid, their files would suddenly belong to someone else. So an id is either
given explicitly or derived from the user's *name* alone, never from a position in a list.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, model_validator

from studio_infra.inputs import ARGS_CONFIG
from studio_infra.limits import posix_gid_range, posix_uid_range, user_profile_name


def derived_uid(name: str) -> int:
    """A uid in SageMaker's range that depends on ``name`` only."""
    uids = posix_uid_range()
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    return uids.min + digest % (uids.max - uids.min + 1)


class PosixUser(BaseModel):
    """A Studio user's name and POSIX ids (derived from the name when not given)."""

    model_config = ARGS_CONFIG

    name: str
    """The user profile name: letters, digits and hyphens, at most 63 characters."""
    uid: int | None = None
    """10000-4000000 (SageMaker's range). Default: derived from the name."""
    gid: int | None = None
    """1001-4000000. Default: the uid (a private group per user)."""

    @model_validator(mode="after")
    def _resolve(self) -> PosixUser:
        user_profile_name().check(self.name, "user name")
        uids, gids = posix_uid_range(), posix_gid_range()
        if self.uid is not None and self.uid not in uids:
            raise ValueError(f"uid {self.uid} of {self.name!r} is outside SageMaker's {uids}")
        if self.gid is not None and self.gid not in gids:
            raise ValueError(f"gid {self.gid} of {self.name!r} is outside SageMaker's {gids}")
        uid = self.uid if self.uid is not None else derived_uid(self.name)
        object.__setattr__(self, "uid", uid)
        object.__setattr__(self, "gid", self.gid if self.gid is not None else uid)
        return self


def check_unique(users: list[PosixUser]) -> None:
    """Refuse two users with one name or one uid, naming both; ids must never be shared."""
    by_name: dict[str, PosixUser] = {}
    by_uid: dict[int, PosixUser] = {}
    for user in users:
        if user.name in by_name:
            raise ValueError(f"user {user.name!r} is listed twice")
        other = by_uid.get(user.uid)  # type: ignore[arg-type]
        if other is not None:
            raise ValueError(
                f"users {other.name!r} and {user.name!r} both have uid {user.uid}; "
                "give one of them an explicit, unused uid"
            )
        by_name[user.name] = user
        by_uid[user.uid] = user  # type: ignore[index]
