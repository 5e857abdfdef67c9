"""Checks ``data/provider_validators.json`` against terraform-provider-aws's source at one commit.

Every rule of the provider judge cites one line of the provider's source (a GitHub URL at a
commit, ``#L<n>``) and keeps that line's text (``line``). When pulumi-aws moves to another
terraform-provider-aws, the rules must be read again at the commit it bundles; this module
makes that a command (``scripts/verify-provider-validators``) instead of a hand review:

- each cited line is looked up in the file at the new commit: the same text at the same line
  *holds*; the same text at another line has *moved* (the line number is rewritten); text
  found nowhere has *changed* (a person reads the new validator and edits the rule);
- validator lines of the cited files that no rule cites are listed for review, so a
  validator the provider added is seen (most are ARN or format checks the data keeps under
  ``not_modelled``);
- with ``write``, every source URL is moved to the one commit read and the data records that
  commit, the provider version (``version/VERSION`` at that commit) and the installed
  pulumi-aws, which ``tests/test_provider_judge.py`` then holds the installed package to.

It reads a local clone given by path (``git show <commit>:<file>``) and never the network;
the test suite does not need it (it checks the data's own consistency, and this module on a
small repository it builds).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_URL = "https://github.com/hashicorp/terraform-provider-aws/blob/"
_SOURCE = re.compile(re.escape(REPO_URL)
                     + r"(?P<commit>[0-9a-f]{40})/(?P<path>[^#]+)#L(?P<line>\d+)$")
_FILE = re.compile(re.escape(REPO_URL) + r"(?P<commit>[0-9a-f]{40})/(?P<path>[^#]+)$")
# What the provider's schemas validate with: SDKv2 (ValidateFunc, ValidateDiagFunc,
# ConflictsWith, RequiredWith, ExactlyOneOf, AtLeastOneOf) and the plugin framework
# (Validators: with stringvalidator, int64validator, listvalidator, ...).
_VALIDATOR = re.compile(
    r"\b(ValidateFunc|ValidateDiagFunc|ConflictsWith|RequiredWith|ExactlyOneOf|AtLeastOneOf"
    r"|Validators)\s*:|\b(validation|stringvalidator|int64validator|int32validator"
    r"|listvalidator|setvalidator)\.[A-Z]\w*\(")


@dataclass(frozen=True)
class Citation:
    """One rule's claim: this text is at this line of this file, at this commit."""

    type: str
    index: int
    """The rule's position in its type's list (the data's own order)."""
    property: str
    kind: str
    commit: str
    path: str
    line: int
    text: str | None
    """None while the rule's line was not read into the data yet (it must be, before
    ``rewrite`` moves the rule)."""


@dataclass(frozen=True)
class Finding:
    """What the source at the commit read says of one citation."""

    citation: Citation
    status: str
    """``held``, ``moved``, ``changed``, ``no_file`` or ``unread`` (no line text kept)."""
    line: int | None = None
    """Where the text is now (``held`` and ``moved``), or the nearest line calling the same
    validator (``changed``)."""
    now: str | None = None
    """That nearest line's text, or the text now at the cited line (``changed``)."""

    def describe(self) -> str:
        c = self.citation
        where = f"{c.type} {c.property} ({c.kind}) {c.path}#L{c.line}"
        if self.status == "held":
            return f"held     {where}"
        if self.status == "moved":
            return f"moved    {where} -> L{self.line}"
        if self.status == "unread":
            return (f"unread   {where}: the data keeps no text of this line; read it at this "
                    f"commit and add it as 'line'")
        if self.status == "no_file":
            return f"no file  {where}: the file is not at this commit; find where it went"
        like = (f"the nearest line like it, L{self.line}, reads" if self.line is not None
                else "the line now reads")
        return (f"changed  {where}: {(c.text or '').strip()!r} is not in the file; {like} "
                f"{(self.now or '').strip()!r}: read the validator again and edit the rule")


class ProviderClone:
    """A local git clone of terraform-provider-aws, read at one commit."""

    def __init__(self, path: Path, ref: str) -> None:
        self.path = path
        self.commit = self._git("rev-parse", "--verify", f"{ref}^{{commit}}").strip()
        self._files: dict[str, list[str] | None] = {}

    def _git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise ValueError(f"git {' '.join(args)} in {self.path} failed: "
                             f"{done.stderr.strip()}; give a clone of "
                             f"hashicorp/terraform-provider-aws and a commit or tag in it")
        return done.stdout

    def lines(self, path: str) -> list[str] | None:
        """The file's lines at the commit, or None when it is not there."""
        if path not in self._files:
            try:
                self._files[path] = self._git("show", f"{self.commit}:{path}").splitlines()
            except ValueError:
                self._files[path] = None
        return self._files[path]

    def version(self) -> str | None:
        """``version/VERSION`` at the commit (the provider keeps its release number there)."""
        text = self.lines("version/VERSION")
        return text[0].strip() if text else None


def citations(data: Mapping[str, Any]) -> list[Citation]:
    """Every rule's citation, in the data's order; a malformed one is an error naming it."""
    out = []
    for type_, entries in data["types"].items():
        for index, entry in enumerate(entries):
            match = _SOURCE.match(entry["source"])
            if match is None:
                raise ValueError(
                    f"{type_} {entry['property']}: source {entry['source']!r}: each rule "
                    f"needs a source '{REPO_URL}<commit>/<file>#L<n>'")
            out.append(Citation(type_, index, entry["property"], entry["kind"],
                                match["commit"], match["path"], int(match["line"]),
                                entry.get("line")))
    return out


def _find(lines: list[str], text: str, near: int) -> int | None:
    """The 1-based line holding ``text`` (whitespace aside), the one nearest ``near`` if the
    text is there more than once (a validator repeated for two arguments)."""
    wanted = text.strip()
    found = [n for n, line in enumerate(lines, start=1) if line.strip() == wanted]
    return min(found, key=lambda n: abs(n - near)) if found else None


_CALL = re.compile(r"\b(?:ConflictsWith|RequiredWith|ExactlyOneOf|AtLeastOneOf)\b"
                   r"|\b[a-z]\w*\.([A-Z]\w*)[\[(]")


def _like(lines: list[str], text: str, near: int) -> tuple[int | None, str]:
    """For a line whose text is gone: the nearest line calling the same validator
    (``StringLenBetween`` for ``validation.StringLenBetween(1, 128)``), which is most often
    the same argument's validator with new values, or else the text now at the line."""
    call = _CALL.search(text)
    if call is not None:
        same = [n for n, line in enumerate(lines, start=1)
                if (m := _CALL.search(line)) is not None and m[0] == call[0]]
        if same:
            at = min(same, key=lambda n: abs(n - near))
            return at, lines[at - 1]
    return None, lines[near - 1] if 0 < near <= len(lines) else ""


def verify(data: Mapping[str, Any], clone: ProviderClone) -> list[Finding]:
    """Each citation against the clone's commit."""
    findings = []
    for c in citations(data):
        lines = clone.lines(c.path)
        if lines is None:
            findings.append(Finding(c, "no_file"))
            continue
        if c.text is None:
            findings.append(Finding(c, "unread"))
            continue
        if 0 < c.line <= len(lines) and lines[c.line - 1].strip() == c.text.strip():
            findings.append(Finding(c, "held", c.line))
            continue
        at = _find(lines, c.text, c.line)
        if at is not None:
            findings.append(Finding(c, "moved", at))
        else:
            findings.append(Finding(c, "changed", *_like(lines, c.text, c.line)))
    return findings


def uncited(data: Mapping[str, Any], clone: ProviderClone,
            findings: list[Finding]) -> Iterator[tuple[str, int, str]]:
    """Validator lines of the files the rules cite that no rule cites (where the rules are
    now): each is a validator to read and either model or list under ``not_modelled``."""
    cited: dict[str, set[int]] = {}
    for f in findings:
        if f.line is not None and f.status in ("held", "moved"):
            cited.setdefault(f.citation.path, set()).add(f.line)
    for path in sorted({c.path for c in citations(data)}):
        lines = clone.lines(path) or []
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            # A wrapper that opens a block (``validation.All(``, ``Validators: []validator.
            # String{``) validates nothing itself: its items are the lines to read.
            if (number not in cited.get(path, set()) and _VALIDATOR.search(text)
                    and not text.endswith(("(", "{"))):
                yield path, number, text


def rewrite(data: MutableMapping[str, Any], findings: list[Finding], clone: ProviderClone,
            pulumi_aws: str) -> None:
    """Point every held or moved rule, and every file named without validators, at the
    clone's commit, and record what was read. Refuses while any rule has ``changed`` or lost
    its file: those need a person first."""
    open_ = [f for f in findings if f.status not in ("held", "moved")]
    if open_:
        raise ValueError(f"{len(open_)} rules no longer match the source at {clone.commit}; "
                         "edit them (or remove them) and run again:\n"
                         + "\n".join(f.describe() for f in open_))
    for f in findings:
        c = f.citation
        entry = data["types"][c.type][c.index]
        entry["source"] = f"{REPO_URL}{clone.commit}/{c.path}#L{f.line}"
    for section in ("read_without_validators", "not_read"):
        for type_, source in data.get(section, {}).items():
            match = _FILE.match(source)
            if match is not None:
                if clone.lines(match["path"]) is None:
                    raise ValueError(f"{section} {type_}: {match['path']} is not at "
                                     f"{clone.commit}; find where it went")
                data[section][type_] = f"{REPO_URL}{clone.commit}/{match['path']}"
    data["upstream"] = {
        "pulumi_aws": pulumi_aws,
        "terraform_provider_aws": clone.version(),
        "commit": clone.commit,
        "verified": True,
    }
