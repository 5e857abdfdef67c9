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
    Resource,
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


@DEPLOY.rule("deploy-aws-api", types=("aws:*",), live=False)
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


@DEPLOY.rule("deploy-provider-validators", types=provider_rules.types(), live=False)
def provider_accepts(resource: Resource, stack: Stack,
                     _: Mapping[str, Any]) -> Iterator[str]:
    refusals, unknown = provider_rules.check(resource.type, resource.props)
    for refusal in refusals:
        yield f"{_label(resource)}: {refusal.describe()}"
    if unknown:
        raise CannotCheck("some inputs the provider validates are not known until other "
                          "resources exist")


@DEPLOY.rule("deploy-iam-policies", types=tuple(POLICY_DOCUMENTS))
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


@DEPLOY.rule("deploy-role-policy-size", types=(IAM_ROLE,), needs_stack=True)
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
