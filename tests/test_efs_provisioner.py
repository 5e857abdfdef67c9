"""The directory provisioner's code, on a temporary directory: what the Lambda function does on
the file system."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime

import pytest

from studio_infra.efs_provisioner import LIFECYCLE_KEY, archive, handler, provision


def test_each_user_gets_a_directory_owned_by_them(tmp_path):
    owners: dict[str, tuple[int, int]] = {}
    users = [{"name": "alice", "uid": 20001, "gid": 20001},
             {"name": "bob", "uid": 30001, "gid": 30002}]
    created = provision(tmp_path / "users", users, 0o750,
                        chown=lambda path, uid, gid: owners.__setitem__(path, (uid, gid)))
    root = tmp_path / "users"
    assert sorted(created) == [str(root / "alice"), str(root / "bob")]
    assert owners == {str(root / "alice"): (20001, 20001), str(root / "bob"): (30001, 30002)}
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o755  # everyone passes, nobody writes
    for name in ("alice", "bob"):
        assert stat.S_IMODE(os.stat(root / name).st_mode) == 0o750


def test_running_again_keeps_files_and_removes_nothing(tmp_path):
    root = tmp_path / "users"
    provision(root, [{"name": "alice", "uid": 20001, "gid": 20001}], 0o750,
              chown=lambda *_: None)
    (root / "alice" / "notebook.ipynb").write_text("{}")
    created = provision(root, [{"name": "bob", "uid": 30001, "gid": 30001}], 0o750,
                        chown=lambda *_: None)
    assert created == [str(root / "bob")]
    assert (root / "alice" / "notebook.ipynb").read_text() == "{}"  # alice left the list


@pytest.mark.parametrize("name", ["..", "a/b", "", "-x"])
def test_only_profile_names_become_directories(tmp_path, name):
    with pytest.raises(ValueError, match="is not a user profile name"):
        provision(tmp_path, [{"name": name, "uid": 20001, "gid": 20001}], 0o750,
                  chown=lambda *_: None)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_the_handler_sets_real_owners(tmp_path, monkeypatch):
    monkeypatch.setattr("studio_infra.efs_provisioner.MOUNT_PATH", str(tmp_path))
    result = handler({"root": "/users", "mode": "0750",
                      "users": [{"name": "alice", "uid": 20001, "gid": 20002}]}, None)
    assert result == {"created": [str(tmp_path / "users" / "alice")], "users": 1}
    info = os.stat(tmp_path / "users" / "alice")
    assert (info.st_uid, info.st_gid) == (20001, 20002)


def test_archiving_moves_a_directory_out_of_reach_with_its_files(tmp_path):
    root, archive_root = tmp_path / "users", tmp_path / "archived-users"
    for name in ("alice", "bob"):
        (root / name).mkdir(parents=True)
        (root / name / "notebook.ipynb").write_text(name)
    when = datetime(2026, 11, 27, 13, 5, 9, tzinfo=UTC)
    moved = archive(root, archive_root, [{"name": "alice", "uid": 20001, "gid": 20001},
                                         {"name": "gone", "uid": 20002, "gid": 20002}], when)
    assert moved == [str(archive_root / "alice-20261127T130509Z")]
    assert (archive_root / "alice-20261127T130509Z" / "notebook.ipynb").read_text() == "alice"
    assert not (root / "alice").exists()
    assert (root / "bob" / "notebook.ipynb").read_text() == "bob"  # nobody else's
    assert stat.S_IMODE(os.stat(archive_root).st_mode) == 0o700  # root only


def test_archiving_refuses_names_that_are_not_profile_names(tmp_path):
    with pytest.raises(ValueError, match="is not a user profile name"):
        archive(tmp_path / "users", tmp_path / "archive", [{"name": "..", "uid": 1, "gid": 1}],
                datetime.now(UTC))


def test_a_delete_without_an_archive_root_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("studio_infra.efs_provisioner.MOUNT_PATH", str(tmp_path))
    (tmp_path / "users" / "alice").mkdir(parents=True)
    event = {"root": "/users", "mode": "0750",
             "users": [{"name": "alice", "uid": 20001, "gid": 20001}]}
    result = handler({**event, LIFECYCLE_KEY: {"action": "delete", "prev_input": event}}, None)
    assert result == {"archived": [], "users": 1}
    assert (tmp_path / "users" / "alice").is_dir()
