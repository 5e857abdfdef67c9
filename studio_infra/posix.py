"""POSIX identities of Studio users, stable for the life of a domain.

A user's uid/gid own their files on shared EFS. If adding or removing another user could
change someone's uid, their files would suddenly belong to someone else. So an id is either
given explicitly or derived from the user's *name* alone, never from a position in a list.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from studio_infra.inputs import ARGS_CONFIG, aws_name
from studio_infra.limits import posix_gid_range, posix_uid_range, user_profile_name


def derived_uid(name: str) -> int:
    """A uid in SageMaker's range that depends on ``name`` only."""
    uids = posix_uid_range()
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    return uids.min + digest % (uids.max - uids.min + 1)


class PosixUser(BaseModel):
    """A Studio user's name and POSIX ids (derived from the name when not given)."""

    model_config = ARGS_CONFIG

    name: Annotated[str, aws_name(user_profile_name, "user name")]
    """The user profile name: letters, digits and hyphens, at most 63 characters."""
    # Optional to the caller (and to type checkers: ``PosixUser(name="alice")``), never
    # None in a model: ``_fill_ids`` fills both before validation (and a default that ever
    # reached validation would be refused, not kept).
    uid: int = Field(default=None, validate_default=True)
    """10000-4000000 (SageMaker's range). Default: derived from the name."""
    gid: int = Field(default=None, validate_default=True)
    """1001-4000000. Default: the uid (a private group per user)."""

    @model_validator(mode="before")
    @classmethod
    def _fill_ids(cls, data: Any) -> Any:
        """Ids left out are filled in before validation, so the model is complete and
        frozen from the start: the uid from the name, the gid from the uid."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        filled = dict(data)
        if filled.get("uid") is None:
            filled["uid"] = derived_uid(filled["name"])
        if filled.get("gid") is None:
            filled["gid"] = filled["uid"]
        return filled

    @model_validator(mode="after")
    def _in_range(self) -> PosixUser:
        uids, gids = posix_uid_range(), posix_gid_range()
        if self.uid not in uids:
            raise ValueError(f"uid {self.uid} of {self.name!r} is outside SageMaker's {uids}")
        if self.gid not in gids:
            raise ValueError(f"gid {self.gid} of {self.name!r} is outside SageMaker's {gids}")
        return self


def check_unique(users: list[PosixUser]) -> None:
    """Refuse two users with one name or one uid, naming both; ids must never be shared."""
    by_name: dict[str, PosixUser] = {}
    by_uid: dict[int, PosixUser] = {}
    for user in users:
        if user.name in by_name:
            raise ValueError(f"user {user.name!r} is listed twice")
        other = by_uid.get(user.uid)
        if other is not None:
            raise ValueError(
                f"users {other.name!r} and {user.name!r} both have uid {user.uid}; "
                "give one of them an explicit, unused uid"
            )
        by_name[user.name] = user
        by_uid[user.uid] = user


def check_groups(users: list[PosixUser], teams: dict[str, str | None]) -> None:
    """Refuse two users outside a common team with one gid, naming both.

    A gid is a group: every file a user leaves group-readable (a home directory of mode
    0750, the mode ``SharedFileSystem`` gives) is open to whoever has that gid. Members of
    one team may share a gid (their files are the team's by design); anyone else gets their
    own. ``teams``: each user's team by name (None: no team)."""
    by_gid: dict[int, PosixUser] = {}
    for user in users:
        other = by_gid.setdefault(user.gid, user)
        if other is user:
            continue
        team = teams.get(user.name)
        if team is not None and teams.get(other.name) == team:
            continue
        raise ValueError(
            f"users {other.name!r} and {user.name!r} both have gid {user.gid}, and are not "
            "in one team: each would be in the other's group on their directories; give "
            f"{user.name!r} its own gid (leave gid out: it becomes the user's uid) or put both "
            "in one team")
