"""The directory provisioner's code, on a temporary directory: what the Lambda function does on
the file system."""

from __future__ import annotations

import os
import stat

import pytest

from studio_infra.efs_provisioner import handler, provision


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
