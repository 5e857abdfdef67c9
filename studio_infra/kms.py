"""Customer-managed KMS keys for Studio, with key policies that say exactly who may use them.

A Studio setup encrypts four kinds of data at rest: the domain's home EFS and app EBS volumes
(the domain key), shared notebooks in S3, the shared EFS, and container images in ECR; its
logs go to CloudWatch. AWS-managed keys would do it too, but their policies cannot be read
down or audited per use. So each purpose gets a key (or all share one) whose policy lets:

* the account administer the key, without the right to use it;
* principals of this account use it only *through* the service that needs it
  (``kms:ViaService`` and ``kms:CallerAccount``), and let that service create grants only for
  AWS resources (``kms:GrantIsForAWSResource``);
* CloudWatch Logs use it only for this account's log groups (encryption context);
* the roles you pass in (Studio execution roles) use it directly.

Rotation is on, a deleted key stays recoverable for 30 days, and keys are protected.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, Field, field_validator, model_validator

from studio_infra.aws_context import AwsContext, policy_json
from studio_infra.component import Component
from studio_infra.inputs import ARGS_CONFIG, KmsKeyArn, RoleArn, Tags, data_options

KeyPurpose = Literal["sagemaker", "s3", "efs", "ecr", "logs", "codeartifact"]
PURPOSES: tuple[KeyPurpose, ...] = ("sagemaker", "s3", "efs", "ecr", "logs")
"""The purposes keys are made for by default. ``codeartifact`` (the package mirror's domain,
``studio_infra.packages``) is asked for by ``Studio`` when it builds a mirror."""

VIA_SERVICES: dict[str, tuple[str, ...]] = {
    # The domain key also encrypts the home EFS SageMaker creates and the apps' EBS volumes.
    "sagemaker": ("sagemaker", "elasticfilesystem", "ec2"),
    "s3": ("s3",),
    "efs": ("elasticfilesystem",),
    "ecr": ("ecr",),
    "logs": (),  # CloudWatch Logs is a service principal, scoped by encryption context
    # CreateDomain needs kms:DescribeKey and kms:CreateGrant on the key (botocore's
    # CreateDomainRequest.encryptionKey); CodeArtifact uses it on the caller's behalf.
    "codeartifact": ("codeartifact",),
}

ADMIN_ACTIONS = [
    "kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
]
"""Administering the key without using it. Not ``kms:Create*``: it includes
``kms:CreateGrant``, and whoever may create grants unconditionally can grant itself Decrypt
(grants for AWS resources are allowed below, behind ``kms:GrantIsForAWSResource``). One
power stays with administrators by nature: ``kms:PutKeyPolicy`` can rewrite this policy, so
who may administer a key is who may, in the end, use it."""
PUT_KEY_POLICY = "kms:PutKeyPolicy"
"""The one action ``kms:Put*`` covers (the IAM database). It rewrites the key policy, so
whoever holds it may, in the end, grant themselves use of the key. With ``key_admin_arns``
only those principals hold it; the account (and so any IAM policy in it) keeps the rest of
the administration."""
LOCKOUT_PAGE = ("https://docs.aws.amazon.com/kms/latest/developerguide/"
                "key-policy-default.html#prevent-unmanageable-key")
"""KMS's lockout safety check: "The key policy must allow the calling principal to make a
subsequent PutKeyPolicy request on the KMS key" (botocore, ``CreateKeyRequest.Policy``): the
principal that deploys must be a key administrator."""
ADMIN_PRINCIPAL = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+")

USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
               "kms:DescribeKey"]
GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]

_ALIAS_PART = re.compile(r"[^A-Za-z0-9/_-]")


def key_policy_statements(
    ctx: AwsContext,
    purposes: tuple[str, ...],
    role_arns: list[str] | tuple[str, ...] = (),
    log_group_arns: list[str] | None = None,
    admin_arns: list[str] | tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The statements of a key serving ``purposes``; the single source of our key policies.
    With ``admin_arns``, ``kms:PutKeyPolicy`` is theirs alone (``PUT_KEY_POLICY``)."""
    statements: list[dict[str, Any]] = [{
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": ctx.root_arn},
        "Action": [a for a in ADMIN_ACTIONS if a != "kms:Put*"] if admin_arns
        else ADMIN_ACTIONS,
        "Resource": "*",
    }]
    if admin_arns:
        statements.append({"Sid": "KeyPolicyByNamedAdministrators", "Effect": "Allow",
                           "Principal": {"AWS": sorted(set(admin_arns))},
                           "Action": PUT_KEY_POLICY, "Resource": "*"})
    via = sorted({ctx.service(s) for p in purposes for s in VIA_SERVICES[p]})
    if via:
        scope = {"kms:CallerAccount": ctx.account, "kms:ViaService": via}
        statements += [
            {
                "Sid": "UseThroughServices",
                "Effect": "Allow",
                "Principal": {"AWS": ctx.root_arn},
                "Action": USE_ACTIONS,
                "Resource": "*",
                "Condition": {"StringEquals": scope},
            },
            {
                "Sid": "GrantsForServiceResources",
                "Effect": "Allow",
                "Principal": {"AWS": ctx.root_arn},
                "Action": GRANT_ACTIONS,
                "Resource": "*",
                "Condition": {"StringEquals": scope,
                              "Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ]
    if "logs" in purposes:
        statements.append({
            "Sid": "CloudWatchLogs",
            "Effect": "Allow",
            "Principal": {"Service": ctx.service("logs")},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
                       "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                      log_group_arns or [ctx.arn("logs", "log-group:*")]}},
        })
    if role_arns:
        statements += [
            {
                "Sid": "UseByRoles",
                "Effect": "Allow",
                "Principal": {"AWS": list(role_arns)},
                "Action": USE_ACTIONS,
                "Resource": "*",
            },
            {
                "Sid": "GrantsByRolesForServiceResources",
                "Effect": "Allow",
                "Principal": {"AWS": list(role_arns)},
                "Action": GRANT_ACTIONS,
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ]
    return statements


def new_key(
    name: str,
    ctx: AwsContext,
    purposes: tuple[str, ...],
    *,
    description: str,
    parent: pulumi.Resource,
    protect: bool,
    tags: dict[str, str],
    role_arns: pulumi.Input[list[str]] | None = None,
    log_group_arns: list[str] | None = None,
    deletion_window_days: int = 30,
    admin_arns: list[str] | tuple[str, ...] = (),
) -> aws.kms.Key:
    """A rotating, recoverable, protected key with our policy; the one way keys are made."""
    policy = pulumi.Output.from_input(role_arns or []).apply(
        lambda roles: policy_json(key_policy_statements(ctx, purposes, roles, log_group_arns,
                                                        admin_arns))
    )
    return aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=deletion_window_days,
        policy=policy,
        tags=tags,
        opts=data_options(parent, protect),
    )


class StudioKeysArgs(BaseModel):
    """Arguments of ``StudioKeys``."""

    model_config = ARGS_CONFIG

    purposes: list[KeyPurpose] = Field(default_factory=lambda: list(PURPOSES))
    """What the keys encrypt: ``sagemaker`` (domain, home EFS, app volumes), ``s3``, ``efs``,
    ``ecr``, ``logs``, ``codeartifact`` (a package mirror's domain). Default: the first five
    (``PURPOSES``)."""
    shared_key: bool = False
    """One key for every purpose instead of one per purpose (fewer keys, coarser audit)."""
    existing_key_arn: KmsKeyArn | None = None
    """Adopt this key for every purpose; nothing is created. Its policy is yours to keep."""
    existing_key_arns: dict[KeyPurpose, KmsKeyArn] = Field(default_factory=dict)
    """Adopt a key for some purposes; keys are created for the others."""
    user_role_arns: list[RoleArn] = Field(default_factory=list)
    """Roles (ARNs or Outputs) that may use the created keys directly, e.g. Studio
    execution roles."""
    key_admin_arns: list[str] = Field(default_factory=list)
    """IAM roles or users that alone may change the created keys' policies
    (``kms:PutKeyPolicy``); include the principal that deploys (KMS's lockout check,
    ``LOCKOUT_PAGE``). Empty: the account administers them whole, as AWS's default does."""
    alias_prefix: str | None = None
    """Aliases are ``alias/<prefix>/<purpose>``. Default: ``<project>/<stack>/<name>``."""
    deletion_window_days: int = Field(default=30, ge=7, le=30)
    """Days a scheduled deletion can still be cancelled (AWS allows 7-30)."""
    protect_data: bool = True
    """``protect`` and ``retain_on_delete`` on every key: losing a key loses its data."""
    tags: Tags = Field(default_factory=dict)
    """Tags on every key; each key's ``Name`` wins."""

    @field_validator("purposes")
    @classmethod
    def _some_purposes(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(f"name at least one purpose of {list(PURPOSES)}")
        return list(dict.fromkeys(value))

    @field_validator("key_admin_arns")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not isinstance(v, str) or not ADMIN_PRINCIPAL.fullmatch(v)]
        if bad:
            raise ValueError(f"{bad}: give IAM role or user ARNs like "
                             "'arn:aws:iam::123456789012:role/key-admins'")
        return list(dict.fromkeys(value))

    @field_validator("alias_prefix")
    @classmethod
    def _valid_alias(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if _ALIAS_PART.search(value) or value.startswith(("aws/", "alias/")) or not value:
            raise ValueError(
                "use letters, digits, '/', '_' and '-' only, without a leading 'alias/' "
                "('aws/' is reserved for AWS-managed keys)"
            )
        return value

    @model_validator(mode="after")
    def _one_way_to_adopt(self) -> StudioKeysArgs:
        if self.existing_key_arn is not None and (self.existing_key_arns or self.shared_key):
            raise ValueError(
                "existing_key_arn adopts one key for everything; drop existing_key_arns and "
                "shared_key, or drop existing_key_arn"
            )
        unknown = set(self.existing_key_arns) - set(self.purposes)
        if unknown:
            raise ValueError(
                f"existing_key_arns names {sorted(unknown)}, which are not in purposes "
                f"{self.purposes}"
            )
        return self


class StudioKeys(Component[StudioKeysArgs], module="kms"):
    """Customer-managed keys for a Studio setup, one per purpose or one shared."""

    key_arns: pulumi.Output[dict[str, str]]
    """Purpose -> key ARN, for every purpose."""

    def _build(self) -> None:
        spec, name, ctx = self.spec, self.resource_name, self.context
        purposes = tuple(spec.purposes)
        prefix = spec.alias_prefix or _ALIAS_PART.sub(
            "-", f"{pulumi.get_project()}/{pulumi.get_stack()}/{name}")

        arns: dict[str, pulumi.Output[str]] = {}
        if spec.existing_key_arn is not None:
            arns = {p: pulumi.Output.from_input(spec.existing_key_arn) for p in purposes}
        else:
            arns = {p: pulumi.Output.from_input(a) for p, a in spec.existing_key_arns.items()}
            to_create = tuple(p for p in purposes if p not in arns)
            groups = {"shared": to_create} if spec.shared_key and to_create else \
                {p: (p,) for p in to_create}
            for label, served in groups.items():
                key_name = f"{name}-{label}"
                key = new_key(
                    key_name, ctx, served,
                    description=f"Studio {', '.join(served)} data ({name})",
                    parent=self, protect=spec.protect_data,
                    tags=self.tags(key_name),
                    role_arns=pulumi.Output.all(*spec.user_role_arns),
                    deletion_window_days=spec.deletion_window_days,
                    admin_arns=spec.key_admin_arns,
                )
                aws.kms.Alias(key_name, name=f"alias/{prefix}/{label}", target_key_id=key.key_id,
                              opts=self.child_options())
                arns.update({p: key.arn for p in served})

        self._arns = arns
        self.key_arns = pulumi.Output.all(**arns) if arns else pulumi.Output.from_input({})

    def arn_for(self, purpose: KeyPurpose) -> pulumi.Output[str]:
        """The ARN of the key that encrypts ``purpose``; KeyError if it was not asked for."""
        if purpose not in self._arns:
            raise KeyError(f"no key for {purpose!r}; these keys serve {sorted(self._arns)}")
        return self._arns[purpose]
