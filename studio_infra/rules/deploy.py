"""Deploy checks: would AWS accept what the plan sends, and would IAM mean what it says?

Mocks accept anything. These rules put every resource of the plan before AWS's own judges:
the requests the provider would send (``judges.requests``) are validated against botocore's
service models and the rules AWS documents beside them (``judges.api_model``,
``judges.service_rules``), and every policy document against the IAM action database
(``judges.iam_grammar``). A resource type the table cannot map is reported as "cannot
check", never passed silently. The AWS provider's own validators, stricter than AWS's models
in places, judge the inputs before any request (``judges.provider_rules``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.judges import api_model, provider_rules, service_rules
from studio_infra.judges.iam_grammar import PolicyKind, check_policy
from studio_infra.judges.requests import REQUESTS, Unmapped, build_requests
from studio_infra.resource_types import (
    EC2_VPC_ENDPOINT,
    ECR_REPOSITORY_POLICY,
    EFS_FILE_SYSTEM_POLICY,
    IAM_GROUP_POLICY,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_USER_POLICY,
    KMS_KEY,
    KMS_KEY_POLICY,
    S3_BUCKET_POLICY,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import (
    UNKNOWN,
    CannotCheck,
    Category,
    Enforcement,
    Resource,
    Severity,
    Stack,
    contains_unknown,
)

POLICY_DOCUMENTS: dict[str, tuple[tuple[str, PolicyKind], ...]] = {
    IAM_ROLE: (("assumeRolePolicy", "trust"),),
    IAM_ROLE_POLICY: (("policy", "identity"),),
    IAM_POLICY: (("policy", "identity"),),
    IAM_USER_POLICY: (("policy", "identity"),),
    IAM_GROUP_POLICY: (("policy", "identity"),),
    KMS_KEY: (("policy", "resource"),),
    KMS_KEY_POLICY: (("policy", "resource"),),
    S3_BUCKET_POLICY: (("policy", "resource"),),
    EFS_FILE_SYSTEM_POLICY: (("policy", "resource"),),
    ECR_REPOSITORY_POLICY: (("policy", "resource"),),
    EC2_VPC_ENDPOINT: (("policy", "resource"),),
}
"""Where each type keeps policy documents, and what kind of policy each is."""


DEPLOY = RuleGroup(category=Category.DEPLOY)


@DEPLOY.rule(
    name="deploy-aws-api",
    description="AWS accepts every request the provider sends: botocore's models (structure, "
                "required members, enums, patterns, lengths, ranges, documented constraints) and "
                "the rules AWS documents beside them",
    types=("aws:*",),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Change the value to one AWS accepts; the message quotes the model.",
    live=False,
)
def aws_accepts_request(resource: Resource, stack: Stack,
                        _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type not in REQUESTS:
        raise CannotCheck(f"{resource.type} is not in the request table (judges/requests.py),"
                          " so AWS's model was not consulted")
    try:
        requests = build_requests(resource.type, resource.props)
    except Unmapped as exc:
        raise CannotCheck(f"inputs not sent by a modelled request: {exc}") from None
    unknown = False
    for request in requests:
        unknown = unknown or contains_unknown(request.params)
        problems = api_model.validate(request.service, request.operation, request.params,
                                      request.supplied, request.paths)
        problems += service_rules.check_request(request.service, request.operation,
                                                request.params, request.paths)
        for problem in problems:
            yield (f"{_label(resource)}: {request.operation} would be refused: "
                   f"{problem.describe()}")
    if unknown:
        raise CannotCheck("some inputs are not known until other resources exist")


@DEPLOY.rule(
    name="deploy-provider-validators",
    description="The AWS provider accepts every input: the validators terraform-provider-aws "
                "(which pulumi-aws runs) applies before it calls AWS (name patterns and lengths, "
                "enums, ranges, arguments that conflict or need each other)",
    types=provider_rules.types(),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Change the value to one the provider accepts; the message quotes its rule and "
                "the source line.",
    live=False,
)
def provider_accepts(resource: Resource, stack: Stack,
                     _: Mapping[str, Any]) -> Iterator[str]:
    refusals, unknown = provider_rules.check(resource.type, resource.props)
    for refusal in refusals:
        yield f"{_label(resource)}: {refusal.describe()}"
    if unknown:
        raise CannotCheck("some inputs the provider validates are not known until other "
                          "resources exist")


@DEPLOY.rule(
    name="deploy-iam-policies",
    description="Every policy statement names real actions, resources those actions act on, and "
                "condition keys and operators that apply to them",
    types=tuple(POLICY_DOCUMENTS),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Fix the statement as the message says: an action that supports only '*' needs "
                "Resource '*', a condition key must be one the action carries.",
)
def iam_policies_mean_it(resource: Resource, stack: Stack,
                         _: Mapping[str, Any]) -> Iterator[str]:
    documents = [(resource.get(prop), prop, kind)
                 for prop, kind in POLICY_DOCUMENTS.get(resource.type, ())]
    if resource.type == IAM_ROLE:
        for index, inline in enumerate(resource.get("inlinePolicies") or []):
            if isinstance(inline, Mapping):
                documents.append((inline.get("policy"), f"inlinePolicies[{index}]", "identity"))
    unknown = False
    for document, prop, kind in documents:
        if document is None:
            continue
        if document is UNKNOWN or contains_unknown(document):
            unknown = True
            continue
        for problem in check_policy(document, kind):
            yield f"{_label(resource)}: {prop} {problem}"
    if unknown:
        raise CannotCheck("a policy document is not known until other resources exist")


@DEPLOY.rule(
    name="deploy-role-policy-size",
    description="A role's inline policies fit IAM's 10,240-character quota",
    types=(IAM_ROLE,),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Move statements into managed policies attached to the role.",
    needs_stack=True,
)
def role_inline_policy_size(role: Resource, stack: Stack,
                            _: Mapping[str, Any]) -> Iterator[str]:
    documents = [p.get("policy") for p in role.get("inlinePolicies") or []
                 if isinstance(p, Mapping)]
    documents += [p.get("policy") for p in stack.companions(role, IAM_ROLE_POLICY,
                                                            "role")]
    if any(d is UNKNOWN for d in documents):
        raise CannotCheck("an inline policy is not known until other resources exist")
    total = sum(service_rules.iam_characters(d) for d in documents if isinstance(d, str))
    if total > service_rules.ROLE_INLINE_POLICIES_CHARS:
        yield (f"{_label(role)}: its inline policies hold {total:,} characters without white "
               f"space; IAM allows {service_rules.ROLE_INLINE_POLICIES_CHARS:,} per role "
               f"({service_rules.IAM_QUOTAS}); move statements into managed policies")


def _label(resource: Resource) -> str:
    return f"{resource.type.rsplit(':', 1)[-1]} {resource.name}"


DEPLOY_RULES = DEPLOY.rules
