"""Declaring a check as the rule the catalog names.

What a rule promises (description, severity, default level, remediation, matching controls,
settings) is data, in ``catalog.yaml``; what it judges and how it runs is code, here. Each rule
module holds one ``RuleGroup`` (two where it covers two services) and decorates its checks
with the name of their catalog entry::

    NETWORK = RuleGroup()

    @NETWORK.rule("vpc-flow-logs", types=(VPC,), needs_stack=True)
    def vpc_flow_logs(vpc: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
        ...

What every rule of a group shares (the types it judges, whether it reads the stack, its
category, whether it runs live) is said once, as the group's defaults
(``RuleGroup(types=(SAGEMAKER_DOMAIN,), needs_stack=True, category=Category.STUDIO)``); a rule
names such a field only where it differs.

Where one check judges both what this library builds and what other programs build, it is
declared once as a pair (``RuleGroup.pair``): the rule for this library's resources is
mandatory, its twin for the others' advisory, and the check tells them apart by its
``library`` argument.

A name the catalog does not hold, a rule declared twice, or a pair whose catalog levels are not
mandatory and advisory is an error when the module is imported; ``rules.RULES`` refuses a
catalog entry no check declares. The decorator returns the check unchanged (it stays a plain
function, callable in tests).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from studio_infra.rules.catalog import CatalogEntry, catalog
from studio_infra.rules.model import Category, Check, Enforcement, Resource, Rule, Stack
from studio_infra.suggest import did_you_mean

__all__ = ["PairedCheck", "RuleGroup", "declared_rules"]

CheckT = TypeVar("CheckT", bound=Check)


class PairedCheck(Protocol):
    """A check that judges either this library's resources (``library``) or the others'."""

    def __call__(self, resource: Resource, stack: Stack, settings: Mapping[str, Any], /, *,
                 library: bool) -> Iterable[str]: ...


PairedT = TypeVar("PairedT", bound=PairedCheck)


class RuleGroup:
    """The rules one module declares, in declaration order, and what they share by default.

    The defaults are ``Rule``'s unless the group says otherwise
    (``tests/rules/test_catalog.py`` holds an undeclared field to ``Rule``'s default).
    ``entries`` is the catalog the names are looked up in; a group of the package's catalog
    (the default) joins ``rules.RULES``."""

    def __init__(self, *, types: tuple[str, ...] = (), needs_stack: bool = False,
                 category: Category = Category.SECURITY, live: bool = True,
                 entries: Mapping[str, CatalogEntry] | None = None) -> None:
        self._rules: list[Rule] = []
        self._types = types
        self._needs_stack = needs_stack
        self._category = category
        self._live = live
        self._entries = catalog() if entries is None else entries
        if entries is None:
            _PACKAGE_GROUPS.append(self)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule declared so far, in order."""
        return tuple(self._rules)

    def rule(self, name: str, *, types: tuple[str, ...] | None = None,
             needs_stack: bool | None = None, category: Category | None = None,
             live: bool | None = None) -> Callable[[CheckT], CheckT]:
        """Declare the decorated check as the catalog's rule ``name``; ``types``,
        ``needs_stack``, ``category`` and ``live`` (``Rule``'s fields, whose docstrings say
        what each means) left out are the group's."""
        entry = self._entry(name)
        if any(known.name == name for known in self._rules):
            raise ValueError(f"rule {name!r} is declared twice; give each rule its own name")
        types = self._types if types is None else types
        if not types:
            raise ValueError(f"rule {name!r} names no types and its group has none: pass "
                             "types=(...) to the rule or to its RuleGroup")

        def declare(check: CheckT) -> CheckT:
            self._rules.append(Rule(
                name=name, description=entry.description, types=types, check=check,
                severity=entry.severity, enforcement=entry.enforcement,
                remediation=entry.remediation, checkov=entry.checkov,
                security_hub=entry.security_hub, aws_config=entry.aws_config,
                needs_stack=self._needs_stack if needs_stack is None else needs_stack,
                settings=entry.rule_settings(),
                category=self._category if category is None else category,
                live=self._live if live is None else live))
            return check

        return declare

    def pair(self, library: str, elsewhere: str, *,
             live: bool | None = None) -> Callable[[PairedT], PairedT]:
        """Declare the decorated check twice, with the group's defaults (and ``live`` when
        given): as rule ``library``, mandatory, on what this library builds
        (``library=True``), and as ``elsewhere``, advisory, on what other programs build
        (``library=False``). Another program's resources may be built as its owner chose
        (AWS's own home EFS is one file system for a whole domain), so they get advice, not a
        failed plan."""
        for name, level in ((library, Enforcement.MANDATORY), (elsewhere, Enforcement.ADVISORY)):
            if self._entry(name).enforcement is not level:
                raise ValueError(f"rule {name!r} is one of a pair: its catalog enforcement "
                                 f"must be {level.value!r}")

        def declare(check: PairedT) -> PairedT:
            self.rule(library, live=live)(_bound(check, True))
            self.rule(elsewhere, live=live)(_bound(check, False))
            return check

        return declare

    def _entry(self, name: str) -> CatalogEntry:
        try:
            return self._entries[name]
        except KeyError:
            hint = did_you_mean(name, self._entries)
            hint = f"{hint} Or add" if hint else "add"
            raise ValueError(f"rule {name!r} is not in the catalog (studio_infra/rules/"
                             f"catalog.yaml): {hint} its entry there") from None


def _bound(check: PairedCheck, library: bool) -> Check:
    """``check`` with its ``library`` argument given, named and placed as ``check`` is."""

    def bound(resource: Resource, stack: Stack, settings: Mapping[str, Any]) -> Iterable[str]:
        return check(resource, stack, settings, library=library)

    return functools.update_wrapper(bound, check)


_PACKAGE_GROUPS: list[RuleGroup] = []
"""Every group declared against the package's catalog, in the order the modules were
imported: what ``rules.RULES`` is made of."""


def declared_rules(groups: Iterable[RuleGroup] = _PACKAGE_GROUPS,
                   entries: Mapping[str, CatalogEntry] | None = None) -> tuple[Rule, ...]:
    """Every rule ``groups`` declare (the package's by default), in the order of the catalog
    (``entries``, the package's by default); an error for a name two checks declare or an
    entry none does."""
    entries = catalog() if entries is None else entries
    declared: dict[str, Rule] = {}
    for rule in (rule for group in groups for rule in group.rules):
        if declared.setdefault(rule.name, rule) is not rule:
            raise ValueError(f"rule {rule.name!r} is declared by two checks: "
                             f"{declared[rule.name].check.__module__} and "
                             f"{rule.check.__module__}")
    undeclared = [name for name in entries if name not in declared]
    if undeclared:
        raise ValueError(f"catalog entries no check declares: {', '.join(undeclared)}; "
                         "declare each with @GROUP.rule(name) in the module of its service "
                         "(a new module is imported by studio_infra/rules/__init__.py), or "
                         "remove the entry")
    return tuple(declared[name] for name in entries)
