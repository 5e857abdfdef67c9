"""Show a plan the way ``pulumi preview`` does: a tree nested by parent, then counts per type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from studio_infra.plan.recorder import STACK_TYPE, RecordedResource
from studio_infra.plan.runner import Plan


def render_tree(plan: Plan) -> str:
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent, []).append(resource)
    roots = [r for r in plan.resources if r.type == STACK_TYPE] or children.get(None, [])
    rows = [(prefix, r) for root in roots for prefix, r in _walk(root, children, "", True, True)]
    type_width = max((len(p) + len(r.type) for p, r in rows), default=4)
    name_width = max((len(r.name) for _, r in rows), default=4)
    lines = [f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Plan"]
    for prefix, resource in rows:
        label = f"{prefix}{resource.type}"
        lines.append(f" +   {label:<{type_width}}  {resource.name:<{name_width}}  "
                     f"create{_flags(resource)}")
    return "\n".join(lines)


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


def _flags(resource: RecordedResource) -> str:
    flags = [name for name, on in (("protected", resource.protect),
                                   ("retain-on-delete", resource.retain_on_delete)) if on]
    return f"  [{', '.join(flags)}]" if flags else ""


def render_counts(plan: Plan) -> str:
    counts = Counter(r.type for r in plan.resources if r.type != STACK_TYPE)
    custom = sum(1 for r in plan.resources if r.custom)
    lines = [f"Resources: {custom} to create "
             f"({sum(counts.values()) - custom} components)"]
    lines += [f"    {count:>5}  {type_}" for type_, count in sorted(counts.items())]
    return "\n".join(lines)


def render_outputs(plan: Plan) -> str:
    if not plan.stack_outputs:
        return ""
    width = max(len(k) for k in plan.stack_outputs)
    lines = ["Outputs:"]
    lines += [f"    {key:<{width}}: {value!r}" for key, value in plan.stack_outputs.items()]
    return "\n".join(lines)


def render_violations(plan: Plan) -> str:
    """Policy findings grouped by policy, mandatory first, each under the resource's name."""
    if not plan.violations:
        return "Policies: no violations"
    names = {r.urn: r.name for r in plan.resources}
    groups: dict[tuple[str, str], list[dict]] = {}
    for v in plan.violations:
        groups.setdefault((v["enforcement"], v["policy"]), []).append(v)
    counts = Counter(v["enforcement"] for v in plan.violations)
    lines = [f"Policy violations: {counts.get('mandatory', 0)} mandatory, "
             f"{counts.get('advisory', 0)} advisory"]
    for (level, policy), found in sorted(groups.items(), key=lambda g: (g[0][0] != "mandatory",
                                                                       g[0][1])):
        lines.append(f"  [{level}] {policy}")
        lines += [f"    - {names.get(v['urn'], v['urn'])}: {v['message']}" for v in found]
    return "\n".join(lines)


def render_outside(plan: Plan) -> str:
    """What the plan names but does not create, for a person to confirm exists."""
    outside = plan.outside
    if not outside:
        return ""
    names = {r.urn: r.name for r in plan.resources}
    lines = ["Outside this plan (must exist in the account before `pulumi up`; an offline "
             "plan cannot check):"]
    lines += [f"    {ref.value}  (used by {', '.join(names[u] for u in ref.used_by)})"
              for ref in outside]
    return "\n".join(lines)
