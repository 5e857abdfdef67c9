"""Reading a Pulumi project the way the engine does: ``Pulumi.yaml`` plus ``Pulumi.<stack>.yaml``.

The engine hands a Python program its configuration as a flat map of ``namespace:key`` to
*strings*; structured values arrive JSON-encoded and secrets arrive decrypted. We reproduce
that contract so that ``pulumi.Config`` behaves exactly as under ``pulumi preview``: secrets
of a passphrase stack are opened when the passphrase is given (``plan.passphrase``), as the
CLI opens them; otherwise (no passphrase, or a cloud secrets provider) they are replaced by a
visible placeholder, and a typed read of one says how to give the passphrase.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from studio_infra.errors import StudioInfraError
from studio_infra.plan.environment import ProgramEnvironment, program_environment
from studio_infra.suggest import closest

SECRET_PLACEHOLDER = "[secret]"
"""What a program reads for a ``secure:`` config value when planned offline."""

_SCHEMA_KEYS = {"type", "description", "default", "value", "secret", "items"}
_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


class ProjectError(StudioInfraError):
    """The folder is not a runnable Pulumi Python project, or its configuration is invalid."""


@dataclass(frozen=True)
class PulumiProject:
    """A Pulumi Python project and the configuration of one of its stacks."""

    directory: Path
    name: str
    stack: str
    program: Path
    """File or folder handed to ``runpy.run_path`` (a folder runs its ``__main__.py``)."""
    config: dict[str, str] = field(default_factory=dict)
    secret_keys: tuple[str, ...] = ()
    declared: tuple[str, ...] = ()
    """Keys the project file declares under ``config:`` (namespaced)."""
    sealed_keys: tuple[str, ...] = ()
    """Secret keys the program reads as ``SECRET_PLACEHOLDER`` (not opened)."""
    secrets_provider: str = "passphrase"
    """The stack's ``secretsprovider`` (``passphrase`` when it has an ``encryptionsalt``)."""
    environment: ProgramEnvironment = field(default_factory=ProgramEnvironment)
    """The Python environment ``runtime.options`` declares (``plan.environment``)."""
    runtime: str = "python"
    """``python``, or ``yaml`` (``program`` is then the YAML file,
    ``studio_infra.plan.yaml_program``)."""
    config_types: dict[str, str] = field(default_factory=dict)
    """The declared ``type`` of each key the project (and a YAML program's own file)
    declares with one, namespaced: a YAML program reads each value as its type."""

    def unknown_keys(self, read: set[str]) -> list[str]:
        """Keys the program neither declares nor reads, of the project's own namespace or of
        a namespace a letter or two from one a component reads whole (``stduio:network``
        beside ``studio``, ``config_reads``): misspelt or left over, and silently ignored by
        the engine. Other namespaces are not judged: a provider's may be a letter from the
        project's name (``auth0`` in project ``auth``) and is read by the provider, not the
        program."""
        return sorted(key for key in self.config if key not in self.declared
                      and key not in read and (key.startswith(f"{self.name}:")
                                               or self.namespace_meant(key, read)))

    def namespace_meant(self, key: str, read: set[str]) -> str | None:
        """``key`` in the namespace it was likely meant for, when its own is a near miss of
        one a component reads whole (``studio:network`` for ``stduio:network``)."""
        namespace, _, rest = key.partition(":")
        whole = {k[:-1] for k in read if k.endswith(":")}
        if namespace in whole or namespace == self.name:
            return None
        near = closest(namespace, whole, n=1, cutoff=0.8)
        return f"{near[0]}:{rest}" if near else None

    @property
    def region(self) -> str | None:
        return self.config.get("aws:region")


def load_project(directory: str | Path, stack: str,
                 allow_missing_stack_config: bool = False) -> PulumiProject:
    """Load ``directory/Pulumi.yaml`` and the config of ``stack``; ProjectError if unusable,
    also when the project has stack files but none for ``stack`` (unless allowed: a misspelt
    stack would otherwise plan with an empty configuration)."""
    root = Path(directory).resolve()
    project_file = _project_file(root)
    spec = _read_yaml(project_file)
    if not isinstance(spec, dict) or not spec.get("name"):
        raise ProjectError(f"{project_file}: a Pulumi project file needs a 'name'")
    name = str(spec["name"])
    runtime = _plannable_runtime(spec.get("runtime"), project_file)
    program = _program_path(root, spec.get("main"), project_file) if runtime == "python" \
        else program_file(root, spec.get("main"))

    declared_config = dict(spec.get("config") or {})
    if runtime == "yaml" and program != project_file:
        # A YAML program's own file may declare configuration too (Main.yaml's config:).
        declared_config.update((_read_yaml(program) or {}).get("config") or {})
    values, secrets = _project_config(name, declared_config, project_file)
    stack_dir = root / spec.get("stackConfigDir", ".")
    stack_file = next(
        (p for p in (stack_dir / f"Pulumi.{stack}.yaml", stack_dir / f"Pulumi.{stack}.yml")
         if p.is_file()),
        None,
    )
    known = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml")
                   for p in stack_dir.glob("Pulumi.*.yaml"))
    if stack_file is None and known and not allow_missing_stack_config:
        raise ProjectError(
            f"stack {stack!r} has no Pulumi.{stack}.yaml in {stack_dir}; choose one of "
            f"{known} with --stack, create it, or pass --allow-missing-stack-config to plan "
            "with the project's defaults only")
    sealed: set[str] = {k for k in secrets if k not in values}
    provider = "passphrase"
    if stack_file is not None:
        stack_spec = _read_yaml(stack_file) or {}
        if not isinstance(stack_spec, dict):
            raise ProjectError(f"{stack_file}: expected a mapping with a 'config' key")
        provider = str(stack_spec.get("secretsprovider") or "passphrase")
        opener = _secret_opener(stack_spec, stack_file)
        for raw_key, raw_value in (stack_spec.get("config") or {}).items():
            key = _namespaced(str(raw_key), name)
            value, secret, opened = _strip_secrets(raw_value, functools.partial(opener, key))
            values[key] = value
            if secret:
                secrets.add(key)
            if secret and not opened:
                sealed.add(key)
            else:
                sealed.discard(key)
    _check_declared_types(name, declared_config, values, stack, project_file,
                          secrets)

    config = {key: _engine_string(value) for key, value in values.items()}
    declared = tuple(sorted(_namespaced(str(k), name) for k in declared_config))
    return PulumiProject(root, name, stack, program, config, tuple(sorted(secrets)), declared,
                         tuple(sorted(sealed)), provider,
                         program_environment(root, spec.get("runtime")), runtime,
                         {_namespaced(str(k), name): str(v["type"])
                          for k, v in declared_config.items()
                          if isinstance(v, dict) and "type" in v})


def _secret_opener(stack_spec: dict[str, Any],
                   stack_file: Path) -> Callable[[str, str], str | None]:
    """What opens the stack's ``secure:`` values (called with the key, then the value): its
    passphrase decrypter when the stack uses the passphrase provider (an ``encryptionsalt``)
    and a passphrase is given; else nothing (None: the placeholder). The key is derived
    once, on the first secret."""
    from studio_infra.plan.passphrase import Decrypter, PassphraseError, passphrase_from_env

    salt = stack_spec.get("encryptionsalt")
    opened: list[Decrypter] = []

    def open_secret(key: str, value: str) -> str | None:
        if not isinstance(salt, str):
            return None
        try:
            if not opened:
                passphrase = passphrase_from_env()
                if passphrase is None:
                    return None
                opened.append(Decrypter.for_stack(passphrase, salt, stack_file))
            return opened[0].decrypt(str(value), key)
        except PassphraseError as exc:
            raise ProjectError(str(exc)) from None

    return open_secret


def _project_file(root: Path) -> Path:
    if not root.exists():
        raise ProjectError(f"{root} does not exist: pass the directory of a Pulumi project")
    if not root.is_dir():
        raise ProjectError(f"{root} is a file: pass the directory of a Pulumi project (the one "
                           "holding Pulumi.yaml)")
    for candidate in ("Pulumi.yaml", "Pulumi.yml"):
        if (root / candidate).is_file():
            return root / candidate
    raise ProjectError(
        f"{root} is not a Pulumi project: no Pulumi.yaml there "
        "(pass the folder that holds Pulumi.yaml)"
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path} is not valid YAML: {exc}") from None


PLANNABLE_RUNTIMES = ("python", "yaml")
"""The languages the planner runs: Python programs, and YAML programs made of this
package's components (``studio_infra.plan.yaml_program``)."""


def runtime_name(project: Path) -> Any:
    """The language of the program in the folder ``project`` (``runtime`` of its
    ``Pulumi.yaml``, a name or ``{name: ...}``); ``PLANNABLE_RUNTIMES`` can be planned."""
    spec = _read_yaml(project / "Pulumi.yaml")
    return _runtime_name(spec.get("runtime") if isinstance(spec, dict) else None)


def _runtime_name(runtime: Any) -> Any:
    return runtime.get("name") if isinstance(runtime, dict) else runtime


def _plannable_runtime(runtime: Any, project_file: Path) -> str:
    runtime_name = _runtime_name(runtime)
    if runtime_name not in PLANNABLE_RUNTIMES:
        raise ProjectError(
            f"{project_file}: runtime is {runtime_name!r}; only Python programs "
            "(runtime: python) and YAML programs of studio-infra's components (runtime: yaml) "
            "can be planned"
        )
    return str(runtime_name)


def _program_path(root: Path, main: Any, project_file: Path) -> Path:
    program = (root / str(main)).resolve() if main else root
    entry = program / "__main__.py" if program.is_dir() else program
    if not entry.is_file():
        raise ProjectError(
            f"{project_file}: no program at {entry} "
            "(a Python project needs __main__.py, or 'main:' naming a file or folder)"
        )
    return program


def program_file(directory: Path, main: Any) -> Path:
    """The file holding a YAML program: the first of ``Main.json``, ``Main.yaml`` and
    ``Pulumi.yaml`` in ``main``'s folder (the project's when there is no ``main``), the YAML
    runtime's rule (pulumi-yaml ``pkg/pulumiyaml/packages.go``, ``LoadDir``,
    https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/)."""
    folder = directory / str(main) if main else directory
    for name in ("Main.json", "Main.yaml", "Pulumi.yaml"):
        candidate = folder / name
        if candidate.is_file():
            if name == "Main.json":
                raise ProjectError(f"{candidate}: a JSON program is not planned offline; "
                                   "write it as Main.yaml")
            return candidate
    raise ProjectError(f"{folder}: no YAML program there (Main.yaml or Pulumi.yaml)")


def _namespaced(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _project_config(
    project: str, declared: dict[str, Any], project_file: Path
) -> tuple[dict[str, Any], set[str]]:
    """Values (defaults or shorthand) from the project file's own ``config:`` block."""
    if not isinstance(declared, dict):
        raise ProjectError(f"{project_file}: 'config' must be a mapping")
    values: dict[str, Any] = {}
    secrets: set[str] = set()
    for raw_key, entry in declared.items():
        key = _namespaced(str(raw_key), project)
        if _is_schema(entry):
            if "value" in entry:
                values[key] = entry["value"]
            elif "default" in entry:
                values[key] = entry["default"]
            if entry.get("secret"):
                secrets.add(key)
        else:
            values[key] = entry
    return values, secrets


def _is_schema(entry: Any) -> bool:
    return isinstance(entry, dict) and bool(entry) and set(entry) <= _SCHEMA_KEYS


def _check_declared_types(
    project: str, declared: dict[str, Any], values: dict[str, Any], stack: str, project_file: Path,
    secrets: set[str],
) -> None:
    declared_keys = {_namespaced(str(k), project) for k in declared}
    for raw_key, entry in declared.items():
        if not _is_schema(entry):
            continue
        key = _namespaced(str(raw_key), project)
        if key not in values:
            from studio_infra.suggest import closest

            near = closest(key, [k for k in values if k not in declared_keys])
            hint = (f"; Pulumi.{stack}.yaml sets {near[0]!r}: did you mean {key!r}?"
                    if near else "")
            raise ProjectError(
                f"stack {stack!r} is missing configuration value {key!r} declared in "
                f"{project_file.name}{hint} (set it with `pulumi config set {raw_key} "
                f"<value>` or add it under config: in Pulumi.{stack}.yaml)"
            )
        expected = entry.get("type")
        check = _TYPE_CHECKS.get(expected) if isinstance(expected, str) else None
        # A secret's plaintext is the string it was set as, typed by the program's read.
        if check and key not in secrets and not check(values[key]):
            raise ProjectError(
                f"configuration value {key!r} must be of type {expected} "
                f"(declared in {project_file.name}), got {values[key]!r}"
            )


def _strip_secrets(value: Any, open_secret: Callable[[str], str | None]
                   ) -> tuple[Any, bool, bool]:
    """Replace every ``{secure: ...}`` leaf with its plaintext (``open_secret``) or, when it
    cannot be opened, the placeholder; say whether any was found and whether all opened."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            plaintext = open_secret(value["secure"])
            return (SECRET_PLACEHOLDER, True, False) if plaintext is None \
                else (plaintext, True, True)
        found, opened = False, True
        out = {}
        for k, v in value.items():
            out[k], secret, all_opened = _strip_secrets(v, open_secret)
            found, opened = found or secret, opened and all_opened
        return out, found, opened
    if isinstance(value, list):
        triples = [_strip_secrets(v, open_secret) for v in value]
        return ([v for v, _, _ in triples], any(s for _, s, _ in triples),
                all(o for _, _, o in triples))
    return value, False, True


def _engine_string(value: Any) -> str:
    """The string the engine passes for a config value (JSON for anything but a string)."""
    return value if isinstance(value, str) else json.dumps(value)
