"""Argument types shared by the components.

An argument may be a plain value, which we check at construction, or a ``pulumi.Output``
(from another resource or a ``StackReference``), which cannot be checked before deployment and
is passed through untouched. These annotated types express exactly that, once: type checkers
see ``str | Output[str]``, and a string is checked against the form AWS gives that id or ARN
(a placeholder such as ``"role"`` is refused before anything registers).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from typing import Annotated, Any, TypeAlias

import pulumi
from pydantic import (
    AfterValidator,
    ConfigDict,
    PlainValidator,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from studio_infra.limits import NameRule

ARGS_CONFIG = ConfigDict(
    extra="forbid",
    frozen=True,
    arbitrary_types_allowed=True,
    use_attribute_docstrings=True,
)
"""Every component's args model: unknown fields are errors, docstrings document fields."""

StrInput: TypeAlias = str | pulumi.Output[str]
"""A string now, or one known after deployment."""


def _checked(check: Callable[[str], str | None], what: str) -> PlainValidator:
    """A validator passing Outputs through and checking strings: ``check`` returns the
    problem, or None."""

    def validate(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected {what} or a pulumi Output")
        problem = check(value)
        if problem:
            raise ValueError(f"expected {what} or a pulumi Output ({problem})")
        return value

    return PlainValidator(validate)


def aws_name(rule: Callable[[], NameRule], what: str) -> AfterValidator:
    """A string field held to AWS's rule for it (``limits``, read from botocore's model when a
    value is checked); ``what`` names the field in the error. An Output passes untouched."""
    return AfterValidator(lambda value: rule().check(value, what)
                          if isinstance(value, str) else value)


def one_of(values: Container[Any] | Callable[[], Container[Any]],
           accepted: str) -> WrapValidator:
    """A field held to the values a service accepts: ``values``, or what ``values()`` reads
    when a value is checked (so botocore's model loads only then); ``accepted`` is the error,
    with ``{}`` standing for them. ``true`` is refused, not read as 1 (pydantic would): a
    flow-log retention of ``true`` would keep the logs a day."""

    def check(value: Any, validate: ValidatorFunctionWrapHandler) -> Any:
        allowed = values() if callable(values) else values
        checked = None if isinstance(value, bool) else validate(value)
        if checked is None or checked not in allowed:
            raise ValueError(accepted.replace("{}", str(allowed)))
        return checked

    return WrapValidator(check)


def _aws_id(prefix: str) -> PlainValidator:
    pattern = re.compile(rf"^{re.escape(prefix)}-[0-9a-f]{{8}}([0-9a-f]{{9}})?$")
    return _checked(lambda v: None if pattern.match(v) else "not that form",
                    f"an id like '{prefix}-0123456789abcdef0' ('{prefix}-' and 8 or 17 hex "
                    "digits)")


def _id_collection(prefix: str) -> PlainValidator:
    """A list of ids, a ``{label: id}`` mapping (labels name per-id resources stably), or an
    Output of a list."""
    single = _aws_id(prefix).func

    def validate(value: Any) -> Any:
        if isinstance(value, pulumi.Output):
            return value
        if isinstance(value, Mapping):
            return {str(k): single(v) for k, v in value.items()}  # type: ignore[call-arg]
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list of '{prefix}-…' ids, a {{label: id}} mapping "
                             "or a pulumi Output")
        return [single(item) for item in value]  # type: ignore[call-arg]

    return PlainValidator(validate)


_ARN = re.compile(r"^arn:aws(-cn|-us-gov|-iso[a-z-]*)?:(?P<service>[a-z0-9-]+):"
                  r"(?P<region>[a-z0-9-]*):(?P<account>\d{12}|aws)?:(?P<resource>.+)$")


def _arn(kind: str, service: str, resource: str, example: str) -> PlainValidator:
    """An ARN of ``service`` whose resource part matches ``resource`` (a regex)."""
    pattern = re.compile(resource)

    def check(value: str) -> str | None:
        match = _ARN.match(value)
        if match is None:
            return "not an ARN"
        if match["service"] != service:
            return f"an ARN of {match['service']}, not {service}"
        if not pattern.fullmatch(match["resource"]):
            return f"resource {match['resource']!r} is not of that kind"
        return None

    return _checked(check, f"{kind} like {example!r}")


VpcId = Annotated[StrInput, _aws_id("vpc")]
SubnetId = Annotated[StrInput, _aws_id("subnet")]
SecurityGroupId = Annotated[StrInput, _aws_id("sg")]
FileSystemId = Annotated[StrInput, _aws_id("fs")]
IdCollection: TypeAlias = list[StrInput] | dict[str, StrInput] | pulumi.Output[list[str]]
SubnetIds = Annotated[IdCollection, _id_collection("subnet")]


def _as_list(collection: PlainValidator) -> PlainValidator:
    def validate(value: Any) -> Any:
        checked = collection.func(value)  # type: ignore[call-arg]
        return list(checked.values()) if isinstance(checked, Mapping) else checked

    return PlainValidator(validate)


SubnetList = Annotated[list[StrInput] | pulumi.Output[list[str]],
                       _as_list(_id_collection("subnet"))]
"""Subnet ids as a list (a ``{label: id}`` mapping gives its ids), or an Output of one."""
RouteTableIds = Annotated[IdCollection, _id_collection("rtb")]


def subnet_labels(subnet_ids: list[Any] | tuple[Any, ...]) -> dict[str, Any]:
    """``{label: id}`` for a list of subnet ids: a string is its own label; an Output (what
    ``aws.ec2.Subnet(...).id`` or a VPC gives, unknown until deployed) is labelled by its
    place among the list's Outputs, ``subnet-1``, ``subnet-2``, ... A label names what is
    made per subnet (an EFS mount target), so it must not move: add new subnets given as
    Outputs at the end, or give ``{label: id}`` (e.g. zone -> id) to choose the labels."""
    labels: dict[str, Any] = {}
    outputs = 0
    for item in subnet_ids:
        if isinstance(item, pulumi.Output):
            outputs += 1
            labels[f"subnet-{outputs}"] = item
        else:
            labels[str(item)] = item
    return labels

KmsKeyArn = Annotated[StrInput, _arn(
    "a KMS key ARN", "kms",
    r"key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
    r"|alias/[A-Za-z0-9/_-]+",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
RoleArn = Annotated[StrInput, _arn(
    "an IAM role ARN", "iam", r"role/[\w+=,.@/-]+", "arn:aws:iam::123456789012:role/studio")]
BucketArn = Annotated[StrInput, _arn(
    "an S3 bucket ARN", "s3", r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    "arn:aws:s3:::amzn-s3-demo-bucket")]
RepositoryArn = Annotated[StrInput, _arn(
    "an ECR repository ARN", "ecr", r"repository/[a-z0-9][a-z0-9._/-]*",
    "arn:aws:ecr:us-east-1:123456789012:repository/team")]
LifecycleConfigArn = Annotated[StrInput, _arn(
    "a Studio lifecycle configuration ARN", "sagemaker", r"studio-lifecycle-config/[\w-]+",
    "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/setup")]
PolicyArn = Annotated[StrInput, _arn(
    "an IAM policy ARN", "iam", r"policy/[\w+=,.@/-]+", "arn:aws:iam::aws:policy/ReadOnlyAccess")]


def _bucket_name(value: str) -> str | None:
    from studio_infra.judges.service_rules import bucket_name

    return next(iter(bucket_name(value)), None)


BucketName = Annotated[StrInput, _checked(_bucket_name, "an S3 bucket name")]


def _tag_limit(tags: dict[str, str]) -> dict[str, str]:
    from studio_infra.limits import tags_per_resource

    room = tags_per_resource() - 1  # each resource also gets its own Name tag
    if len(tags) > room:
        raise ValueError(f"{len(tags)} tags; a resource takes {room + 1} (botocore's TagList) "
                         f"and each gets a Name tag too: give at most {room}")
    return tags


Tags = Annotated[dict[str, str], AfterValidator(_tag_limit)]
"""Tags for every child of a component: at most 49, each child adding its own ``Name``."""


DEFAULT_SHARING_PREFIX = "sharing/"
"""Where shared notebooks go in the sharing bucket: one default for the domain and its
roles."""
DOMAIN_SHARING_FOLDER = "_domain/"
"""Under the sharing prefix, where profiles created outside this program share notebooks
(the domain's default); each profile made here gets ``<prefix><profile name>/`` instead, the
only folder its role may write besides this one. No profile name starts with '_'."""


def _key_prefix(value: str) -> str:
    if value.startswith("/") or (value and not value.endswith("/")):
        raise ValueError("a key prefix like 'sharing/' (no leading '/', a trailing '/')")
    return value


SharingPrefix = Annotated[str, AfterValidator(_key_prefix)]
"""An S3 key prefix: no leading '/', a trailing '/'."""


def merge_tags(tags: Mapping[str, str], name: str) -> dict[str, str]:
    """The component's tags on a child, with the child's own ``Name`` winning."""
    return {**tags, "Name": name}


def data_options(parent: pulumi.Resource, protect: bool, **options: Any) -> pulumi.ResourceOptions:
    """Options of a child that holds data: ``protect`` (no deletion or replacement without an
    explicit unprotect) and ``retain_on_delete`` (set on each child: a parent's is not
    reliably inherited), both following the component's ``protect_data``."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect,
                                  **options)


CANVAS_USER_FOLDER = "Canvas/"
"""What Canvas adds under its workspace path, before the profile's name:
``Canvas/<UserProfileName>/`` (AWS's "Configure your Amazon S3 storage")."""


def split_s3_path(path: str) -> tuple[str, str]:
    """``(bucket, prefix)`` of ``s3://bucket/prefix``."""
    bucket, _, prefix = path.removeprefix("s3://").partition("/")
    return bucket, prefix
