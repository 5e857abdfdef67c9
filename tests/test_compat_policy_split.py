"""Components never load the policy SDK; the pack still reaches it through the old path.

A Pulumi program imports the components, and the policy SDK (``pulumi_policy``) belongs to
the process that serves the pack: ``studio_infra.compat`` wraps the Pulumi SDK only, and the
policy SDK's wrappers live in ``studio_infra.compat_policy``. The import checks run in a fresh
interpreter, since this test session has long since imported the pack.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio_infra import compat, compat_policy

ROOT = Path(__file__).resolve().parents[1]


def _fresh_modules(code: str) -> set[str]:
    """The modules loaded by ``code`` in a fresh interpreter, with this checkout first on the
    path (the package may be installed from another one)."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.parametrize("code", [
    "import studio_infra",
    "import studio_infra.studio",
    "import studio_infra.compat, studio_infra.aws_context",
])
def test_components_do_not_load_the_policy_sdk(code: str) -> None:
    loaded = _fresh_modules(code)
    assert "studio_infra.compat" in loaded or code == "import studio_infra"
    policy = sorted(m for m in loaded if m == "pulumi_policy" or m.startswith("pulumi_policy."))
    assert policy == [], f"{code!r} loaded {policy}"


@pytest.mark.slow
def test_the_pack_loads_the_policy_sdk() -> None:
    """The other side of the line: the pack does load it (the check above can fail)."""
    assert "pulumi_policy" in _fresh_modules("import studio_infra.policy_pack")


def test_the_policy_names_keep_their_old_path() -> None:
    for name in compat._POLICY_NAMES:
        assert getattr(compat, name) is getattr(compat_policy, name)
    with pytest.raises(AttributeError, match="no_such_wrapper"):
        compat.no_such_wrapper  # noqa: B018


def test_every_policy_wrapper_is_answered_for_and_tested() -> None:
    """``tests/test_compat.py`` finds the wrappers defined in ``compat``; these are defined
    in ``compat_policy``, so they are counted here."""
    defined = {name for name, value in vars(compat_policy).items()
               if not name.startswith("_") and getattr(value, "__module__", None) ==
               compat_policy.__name__ and (inspect.isfunction(value) or inspect.isclass(value))}
    defined.add("POLICY_UNKNOWN_VALUES")
    assert defined == set(compat._POLICY_NAMES)
    tested = (ROOT / "tests" / "test_compat.py").read_text()
    assert [name for name in sorted(defined) if f"compat.{name}" not in tested] == []
