"""Show a plan the way ``pulumi preview`` does: a tree nested by parent, then counts per type."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterator
from typing import Any

from studio_infra.plan.baseline import Change, Step
from studio_infra.plan.recorder import RecordedResource
from studio_infra.plan.runner import Plan
from studio_infra.resource_types import PULUMI_STACK

WIDTH = 120
"""Columns the printed plan fits in (long names and messages excepted): a common terminal."""


def render_tree(plan: Plan) -> str:
    """Every resource under its parent, types shortened as ``pulumi preview`` shows them,
    marked by its step as ``pulumi preview`` marks it (``+`` create, ``~`` update, ``+-``
    replace, ``-`` delete; without a baseline everything is created); Info the data-keeping
    options and, for a change, the properties behind it. The Type column is as wide as the
    table allows within ``WIDTH``: a longer type gets a line of its own, its name and info on
    the next. Deleted resources follow the tree."""
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent, []).append(resource)
    roots = [r for r in plan.resources if r.type == PULUMI_STACK] or children.get(None, [])
    steps = {c.urn: c for c in plan.changes or []}
    # Against a baseline the stack itself is no step: it exists already.
    default = Step.SAME if plan.changes is not None else Step.CREATE
    rows = [(_mark(steps.get(r.urn), default), prefix, display_type(r.type), r.name,
             _info(r, steps.get(r.urn)))
            for root in roots for prefix, r in _walk(root, children, "", True, True)]
    rows += [(_mark(c, Step.DELETE), "", display_type(c.type), c.name, _info(None, c))
             for c in plan.changes or [] if c.step is Step.DELETE]
    name_width = max((len(name) for _, _, _, name, _ in rows), default=4)
    info_width = min(max((len(info) for *_, info in rows), default=0), 40)
    widest = max((len(prefix + type_) for _, prefix, type_, _, _ in rows), default=4)
    type_width = max(min(widest, WIDTH - 9 - name_width - info_width), MIN_TYPE_WIDTH)
    lines = [f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Info".rstrip()]
    for mark, prefix, type_, name, info in rows:
        label = prefix + type_
        if len(label) > type_width:
            lines.append(f"{mark}{label}")
            label, mark = prefix.replace("├─ ", "│  ").replace("└─ ", "   "), "     "
        lines.append(f"{mark}{label:<{type_width}}  {name:<{name_width}}  {info}".rstrip())
    if any("protect" in info or "retain" in info for *_, info in rows):
        lines += ["", "protect: `pulumi destroy` refuses it until unprotected; retain: deleting "
                  "it from the stack leaves it in AWS"]
    return "\n".join(lines)


MIN_TYPE_WIDTH = 30


def display_type(token: str) -> str:
    """A type token as ``pulumi preview`` shows it: ``aws:s3/bucket:Bucket`` is
    ``aws:s3:Bucket`` (the module's last segment repeats the name); anything else as is."""
    parts = token.split(":")
    if len(parts) != 3 or "/" not in parts[1]:
        return token
    module, _, last = parts[1].rpartition("/")
    if last.lower() != parts[2].lower():
        return token
    return f"{parts[0]}:{module}:{parts[2]}"


def _walk(
    node: RecordedResource,
    children: dict[str | None, list[RecordedResource]],
    indent: str,
    last: bool,
    is_root: bool,
) -> Iterator[tuple[str, RecordedResource]]:
    yield ("" if is_root else indent + ("└─ " if last else "├─ ")), node
    kids = children.get(node.urn, [])
    child_indent = "" if is_root else indent + ("   " if last else "│  ")
    for i, kid in enumerate(kids):
        yield from _walk(kid, children, child_indent, i == len(kids) - 1, False)


_MARKS = {Step.CREATE: " +   ", Step.UPDATE: " ~   ", Step.REPLACE: " +-  ",
          Step.DELETE: " -   ", Step.SAME: "     "}


def _mark(change: Change | None, default: Step) -> str:
    """A change's mark; ``default``'s for a resource without one (the stack)."""
    return _MARKS[change.step if change is not None else default]


def _info(resource: RecordedResource | None, change: Change | None) -> str:
    """Data-keeping options, then, for a change, ``[diff: ~path, …]`` (a path that forces
    the replacement marked ``!``) as ``pulumi preview`` lists them."""
    parts = [_flags(resource)] if resource is not None else []
    if change is not None and change.changed:
        paths = [f"{'!' if p in change.replacing else '~'}{p}" for p in change.changed]
        shown = paths[:3] + ([f"+{len(paths) - 3} more"] if len(paths) > 3 else [])
        parts.append(f"[diff: {', '.join(shown)}]")
    if change is not None and change.may_replace:
        parts.append("may replace")
    return "  ".join(p for p in parts if p)


def _flags(resource: RecordedResource) -> str:
    return ", ".join(name for name, on in (("protect", resource.protect),
                                           ("retain", resource.retain_on_delete)) if on)


def render_counts(plan: Plan) -> str:
    counts = Counter(r.type for r in plan.resources if r.type != PULUMI_STACK)
    custom = sum(1 for r in plan.resources if r.custom)
    if plan.changes is not None:
        by_step = Counter(c.step.value for c in plan.changes
                          if c.step is Step.DELETE or c.type != PULUMI_STACK)
        lines = ["Resources: " + ", ".join(
            f"{by_step[s.value]} to {s.value}" if s is not Step.SAME else
            f"{by_step[s.value]} unchanged" for s in Step if by_step[s.value]) +
            f" (against {plan.baseline.source if plan.baseline else 'the baseline'})"]
    else:
        lines = [f"Resources: {custom} to create "
                 f"({sum(counts.values()) - custom} components)"]
    lines += [f"    {count:>5}  {display_type(type_)}" for type_, count in sorted(counts.items())]
    return "\n".join(lines)


def render_outputs(plan: Plan) -> str:
    if not plan.stack_outputs:
        return ""
    lines = ["Outputs:"]
    for key, value in plan.stack_outputs.items():
        lines += _output_lines(key, value, "    ")
    return "\n".join(lines)


def _output_lines(key: str, value: Any, indent: str) -> list[str]:
    """One line per value; a mapping opens a block, so long maps of ARNs stay readable."""
    if isinstance(value, dict) and value:
        lines = [f"{indent}{key}:"]
        for sub_key, sub_value in value.items():
            lines += _output_lines(str(sub_key), sub_value, indent + "    ")
        return lines
    return [f"{indent}{key}: {value!r}"]


def render_violations(plan: Plan) -> str:
    """Policy findings grouped by policy, mandatory first, each under the resource's name."""
    if not plan.violations:
        return "Policies: no violations"
    names = {r.urn: r.name for r in plan.resources}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for v in plan.violations:
        level = "suppressed" if v.get("suppressed") else v["enforcement"]
        groups.setdefault((level, v["policy"]), []).append(v)
    counts = Counter(level for (level, _), found in groups.items() for _ in found)
    lines = [f"Policy violations: {counts.get('mandatory', 0)} mandatory, "
             f"{counts.get('advisory', 0)} advisory" +
             (f", {counts['suppressed']} suppressed" if counts.get("suppressed") else "")]
    order = {"mandatory": 0, "advisory": 1, "suppressed": 2}
    for (level, policy), found in sorted(groups.items(), key=lambda g: (order[g[0][0]],
                                                                       g[0][1])):
        lines.append(f"  [{level}] {policy}")
        for v in found:
            where = names.get(v["urn"], v["urn"])
            if v.get("type"):
                where = f"{display_type(v['type'])} {where}"
            lines += _wrapped(f"- {where}: {v['message']}", "    ", "      ")
            if v.get("suppressed"):
                until = v["suppressed"].get("expires")
                lines += _wrapped(f"suppressed: {v['suppressed']['reason']}" +
                                  (f" (until {until})" if until else ""), "      ", "        ")
            elif v.get("remediation"):
                lines += _wrapped(f"fix: {v['remediation']}", "      ", "        ")
    return "\n".join(lines)


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first]


def render_outside(plan: Plan) -> str:
    """What the plan names but does not create, for a person to confirm exists."""
    outside = plan.outside
    if not outside and not plan.identity_lookups:
        return ""
    names = {r.urn: r.name for r in plan.resources}
    lines = ["Outside this plan (must exist in the account before `pulumi up`; an offline "
             "plan cannot check):"]
    for ref in outside:
        lines += _wrapped(f"{ref.value}  (used by {', '.join(names[u] for u in ref.used_by)})",
                          "    ", "        ")
    for kind, name in plan.identity_lookups:
        lines.append(f"    {kind} {name} of the IAM Identity Center identity store")
    return "\n".join(lines)
