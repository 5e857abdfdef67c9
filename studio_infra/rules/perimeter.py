"""Rules for the data perimeter: endpoint policies, job guardrails, Docker, opening Studio."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.endpoints import policy_support
from studio_infra.guardrails import (
    GUARDRAILS,
    INSTANCE_TYPES_KEY,
    JOB_ACTIONS,
    LOCAL_STORAGE_PATTERN,
    SPARING,
)
from studio_infra.resource_types import (
    EC2_VPC_ENDPOINT,
    IAM_GROUP_POLICY,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    IAM_USER_POLICY,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.documents import as_list, everyone, policy_documents, statements
from studio_infra.rules.model import (
    CannotCheck,
    Resource,
    Stack,
    matches,
)

PRESIGN = "sagemaker:CreatePresignedDomainUrl"


# -- endpoint policies -------------------------------------------------------------------------


PERIMETER = RuleGroup()


POLICY_SUPPORTED = "vpcEndpointPolicySupported"
"""AWS's answer (``DescribeVpcEndpointServices``) to whether the service of a live endpoint
outside the library's catalog takes an endpoint policy. Only the audit can ask; a plan judges
such an endpoint by nothing, and the catalog's services by the AWS pages it cites, in both."""


def _wide_open(statement: Mapping[str, Any]) -> bool:
    """An Allow for anyone, on every action (``*``, or ``<prefix>:*``: an endpoint serves
    one service, whatever its IAM prefix), every resource, no condition."""
    actions = as_list(statement.get("Action"))
    return (statement.get("Effect") == "Allow" and everyone(statement)
            and "NotAction" not in statement and "NotResource" not in statement
            and any(a == "*" or str(a).endswith(":*") for a in actions)
            and "*" in as_list(statement.get("Resource", "*"))
            and not statement.get("Condition"))


@PERIMETER.rule("vpc-endpoint-policy", types=(EC2_VPC_ENDPOINT,))
def endpoint_has_policy(endpoint: Resource, stack: Stack,
                        _: Mapping[str, Any]) -> Iterator[str]:
    service_name = str(endpoint.known("serviceName", "the service"))
    found = policy_support(service_name)
    if found is None and endpoint.get(POLICY_SUPPORTED) is not True:
        # Neither an AWS page (ENDPOINT_POLICIES) nor, for a live endpoint of a service the
        # library does not build, AWS's answer says the service takes an endpoint policy.
        return
    short = found[0] if found else service_name
    document = endpoint.get("policy")
    if not document:
        yield (f"endpoint {endpoint.name} ({short}) has no endpoint policy: AWS's default lets "
               "any principal reach any resource of the service through it")
        return
    for index, statement in enumerate(statements(document, f"the policy of {endpoint.name}")):
        if _wide_open(statement):
            yield (f"endpoint {endpoint.name} ({short}): statement "
                   f"{statement.get('Sid') or index} allows every action on every resource to "
                   "anyone, without a condition")


# -- job guardrails in execution roles --------------------------------------------------------


def _execution_roles(stack: Stack) -> set[str]:
    """Every string naming a role some domain, profile or space runs as."""
    named: set[str] = set()
    paths = {SAGEMAKER_DOMAIN: ("defaultUserSettings.executionRole",
                                "defaultSpaceSettings.executionRole"),
             SAGEMAKER_USER_PROFILE: ("userSettings.executionRole",),
             SAGEMAKER_SPACE: ("spaceSettings.executionRole",)}
    for type_, where in paths.items():
        for resource in stack.of_type(type_):
            named |= {v for v in (resource.get(p) for p in where) if isinstance(v, str)}
    return named


def _role_documents(role: Resource, stack: Stack) -> list[Any]:
    documents: list[Any] = [p.get("policy") for p in role.get("inlinePolicies") or []
                            if isinstance(p, Mapping)]
    documents += [p.get("policy") for p in stack.companions(role, IAM_ROLE_POLICY, "role")]
    arns = {a.get("policyArn") for a in stack.companions(role, IAM_ROLE_POLICY_ATTACHMENT, "role")}
    documents += [p.get("policy") for p in stack.of_type(IAM_POLICY) if p.identifiers & arns]
    return documents


def _spares_named_families(clauses: Mapping[str, Any]) -> bool:
    """Only the local-storage exemption: named instance families (``ml.g5.*``), never a
    pattern that spares every family (``ml.*``)."""
    spared = clauses.get(SPARING)
    if set(clauses) != {SPARING} or not isinstance(spared, Mapping) or len(spared) != 1:
        return False
    (key, patterns), = spared.items()
    return str(key).lower() == INSTANCE_TYPES_KEY.lower() and all(
        isinstance(p, str) and LOCAL_STORAGE_PATTERN.fullmatch(p)
        for p in as_list(patterns))


def _guards(statement: Mapping[str, Any], key: str, operator: str, value: str) -> bool:
    """A Deny on the job actions (training and processing at least) whose condition is
    ``operator: {key: value}``, with at most the local-storage exemption beside it."""
    if statement.get("Effect") != "Deny" or "NotAction" in statement:
        return False
    if "*" not in as_list(statement.get("Resource", "*")):
        return False
    actions = as_list(statement.get("Action"))
    if not all(matches(actions, a) for a in JOB_ACTIONS[:2]):
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    # Besides the guard, only the local-storage exemption (guardrails.SPARING) may narrow it.
    others = {k: v for k, v in condition.items() if k != operator}
    if others and not _spares_named_families(others):
        return False
    clauses = condition.get(operator)
    if not isinstance(clauses, Mapping) or len(clauses) != 1:
        return False
    (found_key, found_value), = clauses.items()
    return str(found_key).lower() == key.lower() and \
        [str(v).lower() for v in as_list(found_value)] == [value]


@PERIMETER.rule("sagemaker-job-guardrails", types=(IAM_ROLE,), needs_stack=True)
def job_guardrails(role: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if not role.identifiers & stack.memo("execution-roles", _execution_roles):
        return  # not an execution role of a domain, profile or space in this stack
    found: list[dict[str, Any]] = []
    for document in _role_documents(role, stack):
        found += statements(document, f"a policy of {role.name}")
    missing = [rail for rail in GUARDRAILS
               if not any(_guards(s, rail.key, rail.operator, rail.value) for s in found)]
    if missing:
        yield (f"execution role {role.name} does not require that "
               f"{'; that '.join(rail.why for rail in missing)} "
               f"({', '.join(rail.key for rail in missing)}): whatever job permissions it is "
               "given are unbounded")


# -- Docker ------------------------------------------------------------------------------------


@PERIMETER.rule("sagemaker-docker-trusted-accounts", types=(SAGEMAKER_DOMAIN,))
def docker_trusted_accounts(domain: Resource, stack: Stack,
                            _: Mapping[str, Any]) -> Iterator[str]:
    docker = domain.known("domainSettings.dockerSettings", "the Docker settings", {}) or {}
    if docker.get("enableDockerAccess") != "ENABLED":
        return
    mode = domain.known("appNetworkAccessType", "the network access", "PublicInternetOnly")
    if mode == "VpcOnly" and not docker.get("vpcOnlyTrustedAccounts"):
        yield (f"domain {domain.name} enables Docker in its spaces without naming the accounts "
               "it trusts (vpcOnlyTrustedAccounts)")


# -- opening Studio --------------------------------------------------------------------------


_ENDPOINT_KEYS = {"aws:sourcevpce", "aws:sourcevpc"}


def _through_endpoint(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    return any(str(key).lower() in _ENDPOINT_KEYS
               for operator, clauses in condition.items()
               if isinstance(clauses, Mapping) and not operator.startswith(("StringNot",
                                                                            "ForAllValues"))
               for key in clauses)


@PERIMETER.rule("sagemaker-presigned-url-endpoint",
                types=(IAM_ROLE, IAM_ROLE_POLICY, IAM_POLICY, IAM_USER_POLICY, IAM_GROUP_POLICY))
def presigned_url_through_endpoint(resource: Resource, stack: Stack,
                                   _: Mapping[str, Any]) -> Iterator[str]:
    for document, what in policy_documents(resource):
        if isinstance(document, str):
            try:
                json.loads(document)
            except json.JSONDecodeError:
                raise CannotCheck(f"{what} is not valid JSON") from None
        for index, statement in enumerate(statements(document, what)):
            actions = as_list(statement.get("Action"))
            if statement.get("Effect") != "Allow" or "*" in actions or \
                    not matches(actions, PRESIGN):
                continue
            if not _through_endpoint(statement):
                yield (f"{what}: statement {statement.get('Sid') or index} allows {PRESIGN} "
                       "without an aws:SourceVpce (or aws:SourceVpc) condition: a presigned "
                       "Studio URL can be created from anywhere")
