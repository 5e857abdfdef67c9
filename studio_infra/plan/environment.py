"""The Python environment a project's ``Pulumi.yaml`` gives its program, for the offline plan.

``pulumi up`` runs the program with the interpreter of the environment ``runtime.options``
names: ``virtualenv: <dir>`` (pip), ``toolchain: uv`` (``virtualenv``, else ``.venv`` beside
the nearest ``uv.lock``, else ``pyproject.toml``, else in the project; ``UV_PROJECT_ENVIRONMENT``
overrides), ``toolchain: poetry`` (the environment ``poetry env info -p`` prints). Sources:
https://www.pulumi.com/docs/iac/languages-sdks/python/ and pulumi/pulumi
``sdk/python/toolchain/uv.go`` ``newUv`` (``defaultVirtualEnv = ".venv"``).

How the plan honours it, and why this way: the planner stays in its own interpreter, with its
own ``pulumi``, ``pulumi_aws`` and ``studio_infra`` first on the import path, and the
environment's ``site-packages`` are added *after* them (``.pth`` files processed, as the
environment's interpreter would). The recorder, the mocks and the rules inspect the SDK's
module-level state and the components' classes, so those must be the planner's very objects;
running the planner inside the environment's interpreter instead would load the
environment's SDK (another version, or none) or mix two installations. A package only the
project's environment has is then imported from there, as under ``pulumi up``. The one limit:
compiled packages are built for one Python version, so an environment of another minor
version is not loaded, and that is said in one line.

A declared environment that does not exist yet (a fresh clone, before ``pulumi install``) is
said in one line and the planner's own environment is used, so planning needs no install.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ProgramEnvironment:
    """Where the program's own packages come from, and what to tell the user about it."""

    root: Path | None = None
    """The environment's folder, when one is declared and usable."""
    site_dirs: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    missing: str | None = None
    """Why a declared environment could not be used (one line), or None."""

    @contextmanager
    def on_path(self) -> Iterator[None]:
        """Add the environment's site-packages after the planner's, and take them (and the
        modules imported from them) away again afterwards, so the next plan in this process
        starts from the planner's environment."""
        if not self.site_dirs:
            yield
            return
        before_path = list(sys.path)
        before_modules = set(sys.modules)
        for directory in self.site_dirs:
            site.addsitedir(str(directory))  # appends, and runs the .pth files as Python does
        try:
            yield
        finally:
            sys.path[:] = before_path
            prefixes = tuple(str(d) + os.sep for d in self.site_dirs)
            for name in set(sys.modules) - before_modules:
                module_file = getattr(sys.modules[name], "__file__", None) or ""
                if module_file.startswith(prefixes):
                    del sys.modules[name]


def program_environment(directory: Path, runtime: Any,
                        environ: Mapping[str, str] | None = None) -> ProgramEnvironment:
    """The environment ``runtime`` (the ``runtime:`` of ``Pulumi.yaml``) declares for the
    project in ``directory``; an empty one when it declares none."""
    env = os.environ if environ is None else environ
    options = runtime.get("options") if isinstance(runtime, dict) else None
    options = options if isinstance(options, dict) else {}
    toolchain = str(options.get("toolchain") or "pip")
    declared = options.get("virtualenv")
    if toolchain == "poetry":
        return _poetry(directory)
    if toolchain == "uv" and not declared:
        return _at(_uv_default(directory, env), "toolchain uv's environment")
    if declared:
        path = Path(str(declared))
        return _at(path if path.is_absolute() else directory / path,
                   f"virtualenv {str(declared)!r}")
    return ProgramEnvironment()


def _uv_default(directory: Path, env: Mapping[str, str]) -> Path:
    """Where uv puts the environment of a project without ``virtualenv`` (``newUv``)."""
    base = _search_up(directory, "uv.lock") or _search_up(directory, "pyproject.toml") \
        or directory
    chosen = env.get("UV_PROJECT_ENVIRONMENT")
    if chosen:
        return Path(chosen) if Path(chosen).is_absolute() else base / chosen
    return base / ".venv"


def _search_up(directory: Path, name: str) -> Path | None:
    for folder in (directory, *directory.parents):
        if (folder / name).is_file():
            return folder
    return None


def _poetry(directory: Path) -> ProgramEnvironment:
    executable = shutil.which("poetry")
    if executable is None:
        return _fallback("Pulumi.yaml names toolchain poetry, but the poetry executable is "
                         "not on PATH, so its environment cannot be found")
    try:
        found = subprocess.run([executable, "env", "info", "-p"], cwd=directory, text=True,
                               capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _fallback(f"`poetry env info -p` failed ({exc})")
    path = found.stdout.strip()
    if found.returncode != 0 or not path:
        return _fallback("toolchain poetry's environment does not exist yet (`poetry env "
                         "info -p` found none; `pulumi install` creates it)")
    return _at(Path(path), "toolchain poetry's environment")


def _at(root: Path, what: str) -> ProgramEnvironment:
    if not (root / "pyvenv.cfg").is_file():
        return _fallback(f"Pulumi.yaml's {what} ({root}) does not exist yet (`pulumi "
                         "install` creates it)")
    version = _python_version(root)
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    if version is not None and version != ours:
        return _fallback(f"Pulumi.yaml's {what} ({root}) is Python {version} and the planner "
                         f"runs Python {ours}, so its packages are not loaded (install "
                         f"studio-infra into that environment and plan from there)")
    dirs = tuple(sorted({*root.glob("lib/python*/site-packages"),
                         *root.glob("Lib/site-packages")}))
    if version is not None:
        dirs = tuple(d for d in dirs if d.parent.name in (f"python{ours}", "Lib"))
    return ProgramEnvironment(root=root, site_dirs=dirs)


def _python_version(root: Path) -> str | None:
    """``major.minor`` of the environment, from its ``pyvenv.cfg`` (``version`` as venv
    writes it, ``version_info`` as uv and virtualenv write it)."""
    for line in (root / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            parts = value.strip().split(".")
            if len(parts) >= 2:
                return f"{parts[0]}.{parts[1]}"
    return None


def _fallback(why: str) -> ProgramEnvironment:
    return ProgramEnvironment(
        notes=(f"note: {why}; planning with studio-infra's own environment",),
        missing=why)
