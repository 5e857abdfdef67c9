"""The documentation holds together: the README stays short, and every relative link in the
README, docs/ and the other Markdown files a reader follows from them points at a file that
exists, and at a heading of it when it names one (GitHub's anchors)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studio_infra.network import StudioNetwork

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md",
                *(ROOT / "docs").glob("*.md"), *(ROOT / "stacks").glob("**/README.md"),
                *(ROOT / "examples").glob("**/README.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE = re.compile(r"(`+).+?\1", re.S)
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without code: a link-like `[x](y)` in code is not a link."""
    return CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits, `_`,
    `-` and spaces kept), spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def links(path: Path) -> list[str]:
    return [target for target in LINK.findall(prose(path.read_text()))
            if not re.match(r"[a-z][a-z0-9+.-]*:", target)]  # https:, mailto: ...


def test_the_slug_is_githubs():
    assert slug(f"`StudioNetwork` (`{StudioNetwork.TYPE}`)") == \
        "studionetwork-studio-infranetworkstudionetwork"
    assert slug("Studio that works: what every user needs, checked on every plan") == \
        "studio-that-works-what-every-user-needs-checked-on-every-plan"
    assert slug("Changing a live Studio") == "changing-a-live-studio"


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Top\n\n[ok](#top) [gone](missing.md) `[code](not-a-link.md)`\n")
    assert links(page) == ["#top", "missing.md"]
    assert anchors(page) == {"top"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path):
    broken = []
    for target in links(page):
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading '{anchor}' in {path.relative_to(ROOT)}")
    assert broken == []


def test_the_docs_pages_are_linked_from_the_readme():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in links(ROOT / "README.md")}
    assert sorted(p.name for p in (ROOT / "docs").glob("*.md") if p not in linked) == []


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 300


def test_the_layout_names_every_module_and_package():
    """docs/development.md's layout names each top-level module and package of the library
    and each top-level folder of the repository: a new one unnamed there fails here."""
    text = (ROOT / "docs" / "development.md").read_text()
    layout = text[text.index("```\nstudio_infra/"):]
    layout = layout[:layout.index("\n```", 4)]
    named = set(re.findall(r"[\w.]+(?:\.py|/)", layout))
    library = {p.name + ("/" if p.is_dir() else "") for p in (ROOT / "studio_infra").iterdir()
               if not p.name.startswith("__") and p.name != "py.typed"
               and (p.suffix == ".py" or (p.is_dir() and any(p.iterdir())))}
    folders = {p.name + "/" for p in ROOT.iterdir() if p.is_dir()
               and not p.name.startswith((".", "__")) and p.name not in ("venv", "dist", "build")
               and not p.name.endswith(".egg-info")}
    assert library - named == set()
    assert folders - named == set()
