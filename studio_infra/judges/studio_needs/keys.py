"""Key policies: reading a key's policy from the plan, and grants it allows beyond AWS's use.

A grant can give its holder ``Decrypt`` without any policy naming them, so a key policy must
allow ``kms:CreateGrant`` only with ``kms:GrantIsForAWSResource`` (``unconditioned_grants``,
the ``grants-for-aws-resources`` need). ``_key_policy`` is the document the identity checks
decide a role's key calls against.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio_infra.judges.iam_eval import Decision, Request, evaluate, statements
from studio_infra.judges.studio_needs.resources import find
from studio_infra.resource_types import KMS_KEY, KMS_KEY_POLICY
from studio_infra.snapshot import Resource, Stack, known


def _key_policy(stack: Stack, key_arn: Any) -> tuple[Resource, Any] | None:
    key = find(stack, key_arn, KMS_KEY)
    if key is None:
        return None
    documents = [key.get("policy")] + [p.get("policy") for p in
                                        stack.companions(key, KMS_KEY_POLICY, "keyId")]
    document = next((d for d in reversed(documents) if d), None)
    return key, known(document, f"the policy of {key.name}")


def unconditioned_grants(document: Any, key_arn: str = "*") -> list[str]:
    """Statements of a key policy that allow ``kms:CreateGrant`` on the key (``key_arn``, as
    a statement may name it instead of ``*``) without ``kms:GrantIsForAWSResource``."""
    found = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        request = Request("kms:CreateGrant", key_arn, principal="*",
                          context={"kms:GrantIsForAWSResource": "false"})
        probe = {**statement, "Principal": "*"} if "Principal" in statement else statement
        probe = {k: v for k, v in probe.items() if k != "NotPrincipal"}
        probe.setdefault("Principal", "*")
        if evaluate([{"Statement": [_without_context(probe)]}], request,
                    resource_policy=True) is Decision.ALLOW:
            found.append(str(statement.get("Sid") or f"#{index}"))
    return found


def _without_context(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement with only its kms:GrantIsForAWSResource conditions: does it hold back
    grants for people, whatever else it requires?"""
    condition = statement.get("Condition") or {}
    kept = {op: {k: v for k, v in clauses.items()
                 if k.lower() == "kms:grantisforawsresource"}
            for op, clauses in condition.items() if isinstance(clauses, Mapping)}
    kept = {op: clauses for op, clauses in kept.items() if clauses}
    return {**statement, "Condition": kept} if kept else \
        {k: v for k, v in statement.items() if k != "Condition"}
