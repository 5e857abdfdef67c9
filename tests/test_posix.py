"""POSIX ids: derived from the name alone, inside SageMaker's ranges, never shared."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from studio_infra.limits import posix_gid_range, posix_uid_range
from studio_infra.posix import PosixUser, check_groups, check_unique, derived_uid
from studio_infra.studio import StudioConfig

NAMES = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)


def test_ranges_come_from_the_sagemaker_model():
    assert (posix_uid_range().min, posix_uid_range().max) == (10000, 4000000)
    assert (posix_gid_range().min, posix_gid_range().max) == (1001, 4000000)


@given(NAMES)
def test_derived_ids_are_in_range_and_depend_on_the_name_only(name):
    user = PosixUser(name=name)
    assert 10000 <= user.uid <= 4000000
    assert user.gid == user.uid
    assert PosixUser(name=name).uid == user.uid == derived_uid(name)


def test_derived_uids_are_pinned():
    """Every deployed user's files are owned by these numbers: a change to the derivation
    would hand each user's files to someone else, so the values themselves are fixed."""
    assert {n: derived_uid(n) for n in ("alice", "bob", "carol", "a")} == {
        "alice": 308004, "bob": 3184788, "carol": 1080338, "a": 2079386}


@settings(deadline=None)  # the first example pays for validating a whole configuration
@given(st.lists(NAMES, min_size=1, max_size=30, unique=True), st.randoms())
def test_other_users_never_change_an_id(names, rnd):
    """Through the whole configuration: ids resolved for a list of users do not depend on
    who else is listed, or in which order."""
    def ids(users: list[str]) -> dict[str, tuple[int, int]]:
        config = StudioConfig.model_validate({"users": [{"name": n} for n in users]})
        return {u.name: (u.uid, u.gid) for u in config.users}

    alone = ids(names)
    crowd = [*names, *(["extra-user"] if "extra-user" not in names else [])]
    rnd.shuffle(crowd)
    together = ids(crowd)
    assert len(alone) == len(names)
    assert {n: together[n] for n in names} == alone


def test_explicit_ids_win():
    assert PosixUser(name="alice", uid=20001, gid=1001).model_dump() == {
        "name": "alice", "uid": 20001, "gid": 1001}


def test_duplicates_name_both_users():
    with pytest.raises(ValueError, match="'alice' and 'bob' both have uid 20001"):
        check_unique([PosixUser(name="alice", uid=20001), PosixUser(name="bob", uid=20001)])


def test_a_gid_is_shared_only_within_a_team():
    users = [PosixUser(name="alice", uid=20001), PosixUser(name="bob", uid=20002, gid=20001),
             PosixUser(name="carol", uid=20003)]
    # bob in alice's private group: named both, the field, the fix.
    with pytest.raises(ValueError, match=r"'alice' and 'bob' both have gid 20001, and are "
                                         "not in one team.*own gid"):
        check_groups(users, {})
    with pytest.raises(ValueError, match="'alice' and 'bob'"):
        check_groups(users, {"alice": "vision", "bob": "text"})
    with pytest.raises(ValueError, match="'alice' and 'bob'"):
        check_groups(users, {"alice": None, "bob": None})
    check_groups(users, {"alice": "vision", "bob": "vision"})  # one team shares by design
    check_groups([PosixUser(name=n) for n in ("alice", "bob", "carol")], {})  # gid = uid


@pytest.mark.parametrize("uid", [9999, 4000001])
def test_out_of_range_uid(uid):
    with pytest.raises(ValidationError, match=f"uid {uid} of 'alice' is outside"):
        PosixUser(name="alice", uid=uid)
