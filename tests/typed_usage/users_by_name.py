"""Checked by the project's mypy run (``[tool.mypy] files``): what the run time accepts,
mypy accepts. A user given by name alone gets derived ids at run time, so the ids are
optional to type checkers too."""

from __future__ import annotations

from studio_infra.studio import UserConfig

alice = UserConfig(name="alice")
bob = UserConfig(name="bob", uid=20001)
uid: int = alice.uid
gid: int = bob.gid
