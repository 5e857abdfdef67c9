"""Programs the rule tests of several modules (and other tests) build: a bucket, a key, a file
system, a whole Studio, and the transforms that bring an old defect back into it.

Each is a small program of raw pulumi_aws resources (or the library's Studio), recorded with
the plan runner by the ``record`` fixture.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra.posix import PosixUser
from studio_infra.resource_types import SAGEMAKER_USER_PROFILE
from studio_infra.studio import Studio

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/studio"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_statements(arn: str, resources: list[str] | None = None,
                   effect: str = "Deny", value: str = "false") -> list[dict]:
    resources = resources if resources is not None else [arn, f"{arn}/*"]
    return [
        {"Effect": effect, "Principal": "*", "Action": "s3:*", "Resource": resources,
         "Condition": {"Bool": {"aws:SecureTransport": value}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources,
         "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
    ]


def bucket(name: str = "data", *, sse: str | None = "kms", bucket_key: bool = True,
           policy: Callable[[str], list[dict]] | None = tls_statements,
           block: bool | None = True, versioning: bool = True, logging: bool = True,
           protect: bool = True) -> None:
    b = aws.s3.Bucket(name, opts=pulumi.ResourceOptions(protect=protect))
    if sse:
        default = {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY} if sse == "kms" \
            else {"sse_algorithm": "AES256"}
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse", bucket=b.id, rules=[{"apply_server_side_encryption_by_default":
                                                default, "bucket_key_enabled": bucket_key}])
    if policy:
        aws.s3.BucketPolicy(f"{name}-policy", bucket=b.id,
                            policy=b.arn.apply(lambda arn: doc(*policy(arn))))
    if block is not None:
        aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=b.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=block,
                                       restrict_public_buckets=True)
    if versioning:
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=b.id,
                                versioning_configuration={"status": "Enabled"})
    if logging:
        aws.s3.BucketLogging(f"{name}-logging", bucket=b.id, target_bucket="central-logs",
                             target_prefix="s3/")


def file_system(*, encrypted: bool = True, key: str | None = KEY, tls: bool = True,
                backups: bool = True) -> None:
    fs = aws.efs.FileSystem("fs", encrypted=encrypted, kms_key_id=key,
                            opts=pulumi.ResourceOptions(protect=True))
    if tls:
        aws.efs.FileSystemPolicy("fs-policy", file_system_id=fs.id, policy=fs.arn.apply(
            lambda arn: doc({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
                             "Resource": arn,
                             "Condition": {"Bool": {"aws:SecureTransport": "false"}}})))
    if backups:
        aws.efs.BackupPolicy("fs-backup", file_system_id=fs.id,
                             backup_policy={"status": "ENABLED"})


def key(*, rotation: bool = True, window: int = 30, principal: object = None) -> None:
    statement = {"Sid": "Admin", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
                 "Principal": principal or {"AWS": "arn:aws:iam::123456789012:root"}}
    aws.kms.Key("key", enable_key_rotation=rotation, deletion_window_in_days=window,
                policy=doc(statement), opts=pulumi.ResourceOptions(protect=True))


ACCOUNT = "123456789012"


def identity_policy(statement: dict) -> None:
    aws.iam.RolePolicy("grants", role="studio", policy=doc(statement))


IMAGES = Path(__file__).parent.parent / "programs" / "images"


def studio(*, nat: str = "single", transform: Callable[[Any], Any] | None = None,
           image: str | None = None, users: tuple[str, ...] = ("alice", "bob"),
           files: str | None = None) -> Callable[[], None]:
    """A whole Studio (two users by default); ``transform`` rewrites children (an old defect
    back); ``files``: its file-system boundary."""
    config: dict[str, Any] = {"network": {"nat": nat},
                              "users": [{"name": user} for user in users]}
    if files:
        config["shared_efs"] = {"boundary": files}
    if image:
        config["images"] = [{"name": "lab", "build": {"context": str(IMAGES / image)}}]
        config["domain"] = {"images": ["lab"]}

    def program() -> None:
        def rewrite(args: pulumi.ResourceTransformationArgs) -> Any:
            props = transform(args) if transform else None
            return pulumi.ResourceTransformationResult(props, args.opts) if props else None

        Studio("studio", config, pulumi.ResourceOptions(transformations=[rewrite]))
    # A program without a transform is the same plan every time: planned once per test process
    # (tests.policy_harness).
    program.key = None if transform else (nat, image, users, files)  # type: ignore[attr-defined]
    return program


def rewrite_policy(type_: str, suffix: str, change: Callable[[dict], None]) -> Callable[[Any], Any]:
    """A transform changing the JSON policy of the children of ``type_`` named ``*suffix``."""
    def transform(args: Any) -> Any:
        if args.type_ != type_ or not args.name.endswith(suffix):
            return None
        key = "assume_role_policy" if "assume_role_policy" in args.props else "policy"

        def edit(text: str) -> str:
            document = json.loads(text)
            change(document)
            return json.dumps(document)
        return {**args.props, key: pulumi.Output.from_input(args.props[key]).apply(edit)}
    return transform


def one_root_for_everyone(args: Any) -> Any:
    """The shared EFS attached at its root, as the domain used to do."""
    if args.type_ != SAGEMAKER_USER_PROFILE:
        return None
    settings = pulumi.Output.from_input(args.props["user_settings"]).apply(
        lambda s: {**s, "custom_file_system_configs": [{"efs_file_system_configs": [
            {**s["custom_file_system_configs"][0]["efs_file_system_configs"][0],
             "file_system_path": "/"}]}]})
    return {**args.props, "user_settings": settings}


def instance_types_on_create_app_only(document: dict) -> None:
    """The instance-type Deny as it used to be: CreateApp alone, space defaults open."""
    deny = next(s for s in document["Statement"] if s["Sid"] == "DenyOtherInstanceTypes")
    deny["Action"] = "sagemaker:CreateApp"


def without_cost_tag_denies(document: dict) -> None:
    """The role as it was: any StudioUser/StudioTeam tag on a new space."""
    document["Statement"] = [s for s in document["Statement"]
                             if s["Sid"] not in ("NoOtherUsersCostTag", "NoOtherTeamsCostTag")]


def sharing_writes_anywhere(document: dict) -> None:
    """The role as it was: writes anywhere under the sharing prefix."""
    write = next(s for s in document["Statement"] if s["Sid"] == "WriteOwnSharedNotebooks")
    write["Resource"] = write["Resource"][1].replace("_domain/*", "*")


def bob_in_alices_group(args: Any) -> Any:
    """bob given alice's gid (outside any team): each is in the other's group."""
    if args.type_ != SAGEMAKER_USER_PROFILE or \
            not args.name.endswith("-bob-profile"):
        return None
    alice = PosixUser(name="alice")
    settings = pulumi.Output.from_input(args.props["user_settings"]).apply(
        lambda s: {**s, "custom_posix_user_config": {
            **s["custom_posix_user_config"], "gid": alice.gid}})
    return {**args.props, "user_settings": settings}
