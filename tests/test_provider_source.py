"""scripts/verify-provider-validators and the module behind it, on a small git repository
laid out as terraform-provider-aws is (no network, no clone of the provider): a rule whose
line holds, one whose line moved, one whose validator changed, one whose file is gone, and
one that keeps no line text; the rewrite to one commit; and the lines no rule cites."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from studio_infra.judges import provider_source
from studio_infra.resource_types import SAGEMAKER_IMAGE, SAGEMAKER_IMAGE_VERSION

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "verify-provider-validators"
IMAGE = "internal/service/sagemaker/image.go"
OLD = """\t\t\t"image_name": {
\t\t\t\tValidateFunc: validation.All(
\t\t\t\t\tvalidation.StringLenBetween(1, 63),
\t\t\t\t\tvalidation.StringMatch(regexache.MustCompile(`^[0-9A-Za-z](-*[0-9A-Za-z])*$`), ""),
\t\t\t\t),
\t\t\t},
\t\t\tnames.AttrDisplayName: {
\t\t\t\tValidateFunc: validation.StringLenBetween(1, 128),
\t\t\t},
"""
# The next release: a field above the name (every line moves down two), the display name's
# bound raised, and a new validator no rule cites yet.
NEW = """\t\t\tnames.AttrARN: {
\t\t\t},
""" + OLD.replace("(1, 128)", "(1, 256)") + """\t\t\t"role_arn": {
\t\t\t\tValidateFunc: verify.ValidARN,
\t\t\t},
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
         *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository with two commits of image.go (and version/VERSION): old and new."""
    repo = tmp_path / "terraform-provider-aws"
    (repo / "internal/service/sagemaker").mkdir(parents=True)
    (repo / "version").mkdir()
    _git(repo, "init", "-q")
    (repo / IMAGE).write_text(OLD)
    (repo / "version/VERSION").write_text("6.1.0\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "old")
    old = _git(repo, "rev-parse", "HEAD")
    (repo / IMAGE).write_text(NEW)
    (repo / "version/VERSION").write_text("6.2.0\n")
    _git(repo, "commit", "-q", "-am", "new")
    return repo, old, _git(repo, "rev-parse", "HEAD")


def _rule(commit: str, line: int, kind: str, text: str | None, path: str = IMAGE,
          prop: str = "imageName") -> dict[str, Any]:
    rule: dict[str, Any] = {
        "property": prop, "kind": kind, "go": "-",
        "source": f"{provider_source.REPO_URL}{commit}/{path}#L{line}"}
    if text is not None:
        rule["line"] = text
    return rule


def _data(old: str, *extra: dict[str, Any]) -> dict[str, Any]:
    return {"types": {SAGEMAKER_IMAGE: [
        _rule(old, 3, "length", "validation.StringLenBetween(1, 63),"),
        _rule(old, 8, "length", "ValidateFunc: validation.StringLenBetween(1, 128),",
              prop="displayName"),
        *extra]},
        "read_without_validators": {
            SAGEMAKER_IMAGE_VERSION:
                f"{provider_source.REPO_URL}{old}/{IMAGE}"}}


def test_at_its_own_commit_every_line_holds(clone):
    repo, old, _ = clone
    findings = provider_source.verify(_data(old), provider_source.ProviderClone(repo, old))
    assert [(f.status, f.line) for f in findings] == [("held", 3), ("held", 8)]


def test_a_moved_line_is_found_and_a_changed_validator_is_reported(clone):
    repo, old, new = clone
    at = provider_source.ProviderClone(repo, new)
    data = _data(old, _rule(old, 1, "enum", "x", path="internal/service/sagemaker/gone.go"),
                 _rule(old, 4, "pattern", None))
    findings = provider_source.verify(data, at)
    assert [(f.status, f.line) for f in findings] == [
        ("moved", 5), ("changed", 10), ("no_file", None), ("unread", None)]
    assert "L10, reads 'ValidateFunc: validation.StringLenBetween(1, 256),'" in (
        findings[1].describe())
    assert at.version() == "6.2.0"
    # The new ARN validator is listed; the moved name length is cited; a block opener
    # (``validation.All(``) is not a validator of its own.
    uncited = {(line, text) for _, line, text in provider_source.uncited(data, at, findings)}
    assert (13, "ValidateFunc: verify.ValidARN,") in uncited
    assert (6, "validation.StringMatch(regexache.MustCompile(`^[0-9A-Za-z](-*[0-9A-Za-z])*$`),"
               ' ""),') in uncited
    assert not any(text.endswith("(") for _, text in uncited)
    with pytest.raises(ValueError, match="3 rules no longer match"):
        provider_source.rewrite(data, findings, at, "7.52.0")


def test_rewrite_moves_every_rule_to_the_one_commit_read(clone):
    repo, old, new = clone
    at = provider_source.ProviderClone(repo, new)
    data = _data(old)
    data["types"][SAGEMAKER_IMAGE].pop()  # the display name's bound changed
    provider_source.rewrite(data, provider_source.verify(data, at), at, "7.52.0")
    (rule,) = data["types"][SAGEMAKER_IMAGE]
    assert rule["source"] == f"{provider_source.REPO_URL}{new}/{IMAGE}#L5"
    assert data["read_without_validators"][SAGEMAKER_IMAGE_VERSION] == (
        f"{provider_source.REPO_URL}{new}/{IMAGE}")
    assert data["upstream"] == {"pulumi_aws": "7.52.0", "terraform_provider_aws": "6.2.0",
                                "commit": new, "verified": True}


def test_a_clone_or_commit_that_is_not_there_is_named(tmp_path, clone):
    repo, _, _ = clone
    with pytest.raises(ValueError, match="give a clone of hashicorp/terraform-provider-aws"):
        provider_source.ProviderClone(repo, "v9.9.9")
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "nowhere"))):
        provider_source.ProviderClone(tmp_path / "nowhere", "HEAD")


def test_a_source_that_is_not_a_line_url_is_refused():
    data = {"types": {SAGEMAKER_IMAGE: [
        {"property": "imageName", "kind": "length", "source": "image.go#L3"}]}}
    with pytest.raises(ValueError, match=re.escape("imageName: source 'image.go#L3'")):
        provider_source.citations(data)


def test_the_script_reports_then_writes(tmp_path, clone):
    repo, old, new = clone
    data_file = tmp_path / "provider_validators.json"
    data_file.write_text(json.dumps(_data(old)))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(SCRIPT), str(repo), *args,
                               "--data", str(data_file)], capture_output=True, text=True,
                              check=False)

    done = run(new, "--write")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 moved, 1 changed" in done.stdout and "1 rules no longer match" in done.stderr
    assert json.loads(data_file.read_text()) == _data(old)  # nothing written
    done = run(old)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 held" in done.stdout
    done = run(old, "--write")
    assert done.returncode == 0 and json.loads(data_file.read_text())["upstream"]["commit"] == old
    # The data shipped with the package cites files no repository here has: every rule is
    # reported, none passes, and nothing is written.
    real = subprocess.run([sys.executable, str(SCRIPT), str(repo), new], capture_output=True,
                          text=True, check=False)
    assert real.returncode == 1 and "no file" in real.stdout
