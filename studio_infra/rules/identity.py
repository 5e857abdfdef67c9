"""Rules for IAM policies and for keeping data-bearing resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.resource_types import (
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    KMS_KEY,
    S3_BUCKET,
    S3_BUCKET_V2,
    SAGEMAKER_DOMAIN,
)
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.documents import as_list, policy_documents, statements
from studio_infra.rules.model import Resource, Stack

DATA_TYPES = (S3_BUCKET, S3_BUCKET_V2,
              EFS_FILE_SYSTEM, KMS_KEY,
              SAGEMAKER_DOMAIN, ECR_REPOSITORY)


IDENTITY = RuleGroup()


@IDENTITY.rule("iam-no-wildcard-actions", types=(IAM_ROLE, IAM_ROLE_POLICY, IAM_POLICY))
def iam_no_wildcard_actions(resource: Resource, stack: Stack,
                            _: Mapping[str, Any]) -> Iterator[str]:
    for document, what in policy_documents(resource):
        for statement in statements(document, what):
            if statement.get("Effect") != "Allow":
                continue
            wild = [a for a in as_list(statement.get("Action"))
                    if a == "*" or (isinstance(a, str) and a.endswith(":*"))]
            if wild and "*" in as_list(statement.get("Resource")):
                yield f"{what} allows {wild} on every resource"
            if "NotAction" in statement:
                yield f"{what} allows everything except {statement['NotAction']}"


@IDENTITY.rule("data-protected", types=DATA_TYPES)
def data_protected(resource: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.protect is None:
        return  # a live resource: protection is a property of a Pulumi stack, not of AWS
    if not resource.protect and not resource.retain_on_delete:
        yield (f"{resource.name} holds data but is neither protected nor retained on delete: "
               "a destroy or a replacement deletes it")
