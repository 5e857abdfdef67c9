"""Audit a deployed Studio domain — ours or anyone's — against the same rules.

boto3 reads the domain and everything its security depends on: user profiles and spaces, the
home EFS and attached file systems, the sharing bucket, the KMS keys, the ECR repositories
behind attached images, the VPC, its endpoints and the security groups. Each is turned into
the snapshot the rules read (the same type tokens and camelCase properties as a Pulumi
stack), so the verdicts are the policy pack's verdicts.

The audit fails closed: each resource it sets out to read is read on its own (one failing
read never stops the others, and each user profile and space is its own read), and one it
could not read — access denied, not found, an API the endpoint does not offer, throttling or
a lost connection that outlived botocore's retries — is a mandatory "could not check"
finding naming the resource and the error, unless the caller allows unread resources
(then it is advisory). An unread resource is never a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from studio_infra import resource_types as tokens
from studio_infra.network.endpoints import catalog_name
from studio_infra.ops.session import (
    NOT_CONFIGURED_CODES,
    CouldNotRead,
    client_of,
    could_not_read,
    describe_error,
    error_code,
    listed,
    read,
)
from studio_infra.rules.config import PolicyConfig
from studio_infra.rules.engine import evaluate
from studio_infra.rules.model import Enforcement, Finding, Resource, Severity, Stack
from studio_infra.rules.perimeter import POLICY_SUPPORTED

COULD_NOT_CHECK = "audit-could-not-check"
APP_SETTINGS = ("JupyterLabAppSettings", "KernelGatewayAppSettings", "CodeEditorAppSettings")
_IMAGE_URI = re.compile(r"^(?P<registry>\d{12})\.dkr\.ecr\.[^/]+/(?P<repo>[^:@]+)")

READ_AS: dict[str, str] = {
    tokens.S3_BUCKET_V2: tokens.S3_BUCKET,
    tokens.EC2_SECURITY_GROUP_RULE: tokens.EC2_SECURITY_GROUP,
    tokens.VPC_SECURITY_GROUP_INGRESS_RULE: tokens.EC2_SECURITY_GROUP,
    tokens.KMS_KEY_POLICY: tokens.KMS_KEY,
}
"""Types a program may declare that the audit reads as another: a bucket is a bucket whatever
the provider resource that made it, and AWS returns a group's rules and a key's policy with
the group and the key."""

NOT_AUDITED: dict[str, str] = {
    tokens.SAGEMAKER_NOTEBOOK_INSTANCE:
        "notebook instances are not part of a Studio domain; the audit reads a domain and "
        "what its security depends on",
    tokens.IAM_USER_POLICY:
        "who may open Studio through a presigned URL is not named by the domain; the audit "
        "reads the roles the domain runs as",
    tokens.IAM_GROUP_POLICY: "as IAM user policies",
}
"""Resource types live rules judge that the audit does not read, and why: every other type a
live rule judges is read, or read as another (``READ_AS``); ``tests/test_ops_audit.py``
holds the lists together, so a new rule cannot pass silently for want of a reader."""


def camel(value: Any) -> Any:
    """AWS API shapes (PascalCase) as Pulumi properties (camelCase), recursively."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


@dataclass
class Audit:
    """What was read, what could not be, and the findings."""

    domain_id: str
    resources: list[Resource] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(resource id or ARN, why) for each read that failed."""
    findings: list[Finding] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    """Every resource the audit set out to read (the domain, each profile, space, file
    system, bucket, image, key, role and the VPC), in the order it tried."""
    read: list[str] = field(default_factory=list)
    """Those of ``expected`` read completely."""

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain_id, "resources_read": len(self.resources),
                "unreadable": len(self.unreadable), "expected": len(self.expected),
                "read": len(self.read), "unread": len(self.unreadable),
                "not_read": [{"resource": ident, "why": why}
                             for ident, why in self.unreadable],
                "violations": [f.to_json() for f in self.findings]}


class _Reader:
    def __init__(self, session: boto3.Session, audit: Audit) -> None:
        self.session = session
        self.audit = audit
        self.clients: dict[str, Any] = {}
        self.seen: set[tuple[str, str]] = set()

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = client_of(self.session, service)
        return self.clients[service]

    def add(self, type_: str, ident: str, props: dict[str, Any],
            id_: str | None = None) -> Resource | None:
        if (type_, ident) in self.seen:
            return None
        self.seen.add((type_, ident))
        resource = Resource(type=type_, name=ident.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
                            urn=ident, props=props, id=id_ or ident, protect=None,
                            retain_on_delete=None, live=True)
        self.audit.resources.append(resource)
        return resource

    def attempt(self, ident: str, step: Callable[[], None]) -> None:
        """Read one resource; any failure becomes an unread entry for ``ident`` and the audit
        goes on with the next one (a malformed answer too: the resource was not read)."""
        self.audit.expected.append(ident)
        try:
            step()
        except CouldNotRead as exc:
            self.audit.unreadable.append((ident, str(exc)))
        except (ClientError, BotoCoreError) as exc:
            self.audit.unreadable.append((ident, f"could not read {ident}: "
                                                 f"{describe_error(exc)}"))
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            self.audit.unreadable.append((ident, f"could not read {ident}: an unexpected "
                                                 f"answer ({type(exc).__name__}: {exc})"))
        else:
            self.audit.read.append(ident)

    def optional(self, what: str, call: Callable[..., Any], *,
                 absent: Collection[str] = NOT_CONFIGURED_CODES, **kwargs: Any) -> Any:
        """A read whose "not found" (an error code in ``absent``) means "nothing there"
        (None), not "could not check"."""
        try:
            return call(**kwargs)
        except ClientError as exc:
            if error_code(exc) in absent:
                return None
            raise could_not_read(what, exc) from None
        except BotoCoreError as exc:
            raise CouldNotRead(f"could not read {what}: {describe_error(exc)}") from None


def audit_domain(session: boto3.Session, domain_id: str,
                 config: PolicyConfig | None = None,
                 clients: Mapping[str, Any] | None = None, *,
                 allow_unread: bool = False) -> Audit:
    """Read ``domain_id`` and what it depends on, and evaluate every rule. ``clients``
    replaces the session's client of a service (a stubbed or differently configured one).
    Each resource that could not be read is a mandatory finding, or an advisory one with
    ``allow_unread``."""
    audit = Audit(domain_id)
    reader = _Reader(session, audit)
    reader.clients.update(clients or {})
    sagemaker = reader.client("sagemaker")
    found: list[dict[str, Any]] = []
    reader.attempt(domain_id, lambda: found.append(read(
        f"domain {domain_id}", sagemaker.describe_domain, DomainId=domain_id)))
    if found:
        _read_domain(reader, found[0])
    audit.findings = evaluate(Stack(audit.resources), config)
    level = Enforcement.ADVISORY if allow_unread else Enforcement.MANDATORY
    audit.findings += [Finding(COULD_NOT_CHECK, level, ident, message,
                               Severity.HIGH, {"checkov": [], "security_hub": [],
                                               "aws_config": []}, cannot_check=True,
                               resource_name=ident,
                               remediation="Grant the audit the read it lacks (see the "
                               "permissions in docs/operations.md), check that the "
                               "resource exists, or run again (throttling, a lost "
                               "connection); --allow-unread accepts it knowingly.")
                       for ident, message in audit.unreadable]
    return audit


def _read_domain(reader: _Reader, domain: dict[str, Any]) -> None:
    props = camel({k: v for k, v in domain.items() if k != "ResponseMetadata"})
    props["arn"] = domain.get("DomainArn")
    reader.add(tokens.SAGEMAKER_DOMAIN, domain["DomainArn"], props, domain["DomainId"])
    partition = domain["DomainArn"].split(":")[1]
    settings = domain.get("DefaultUserSettings", {})
    images: set[str] = set(_image_names(settings))
    file_systems = {domain.get("HomeEfsFileSystemId")} | _file_systems(settings)
    groups = set(domain.get("DomainSettings", {}).get("SecurityGroupIds", [])) | \
        set(settings.get("SecurityGroups", []))
    if domain.get("SecurityGroupIdForDomainBoundary"):
        groups.add(domain["SecurityGroupIdForDomainBoundary"])
    buckets = {_bucket_of(settings)}
    roles = {settings.get("ExecutionRole"),
             domain.get("DefaultSpaceSettings", {}).get("ExecutionRole")}

    partition_region_account = domain["DomainArn"].split(":domain/")[0]

    def user_profiles() -> None:
        sagemaker = reader.client("sagemaker")
        for summary in listed("user profiles", sagemaker.list_user_profiles, "UserProfiles",
                              DomainIdEquals=domain["DomainId"]):
            name = summary["UserProfileName"]
            reader.attempt(f"{partition_region_account}:user-profile/{domain['DomainId']}/"
                           f"{name}", partial(user_profile, name))

    def user_profile(name: str) -> None:
        sagemaker = reader.client("sagemaker")
        profile = read(f"user profile {name}", sagemaker.describe_user_profile,
                       DomainId=domain["DomainId"], UserProfileName=name)
        profile_props = camel({k: v for k, v in profile.items()
                               if k != "ResponseMetadata"})
        profile_props["arn"] = profile.get("UserProfileArn")
        reader.add(tokens.SAGEMAKER_USER_PROFILE,
                   profile.get("UserProfileArn", name), profile_props)
        user_settings = profile.get("UserSettings", {})
        images.update(_image_names(user_settings))
        file_systems.update(_file_systems(user_settings))
        groups.update(user_settings.get("SecurityGroups", []))
        buckets.add(_bucket_of(user_settings))
        keys.add(user_settings.get("SharingSettings", {}).get("S3KmsKeyId"))
        roles.add(user_settings.get("ExecutionRole"))

    def spaces() -> None:
        sagemaker = reader.client("sagemaker")
        for summary in listed("spaces", sagemaker.list_spaces, "Spaces",
                              DomainIdEquals=domain["DomainId"]):
            reader.attempt(f"{partition_region_account}:space/{domain['DomainId']}/"
                           f"{summary['SpaceName']}", partial(space, summary["SpaceName"]))

    def space(name: str) -> None:
        described = read(f"space {name}", reader.client("sagemaker").describe_space,
                         DomainId=domain["DomainId"], SpaceName=name)
        file_systems.update(_file_systems(described.get("SpaceSettings", {})))

    keys = {domain.get("KmsKeyId"), settings.get("SharingSettings", {}).get("S3KmsKeyId")}
    reader.attempt(f"{domain['DomainArn']} (its user profiles)", user_profiles)
    reader.attempt(f"{domain['DomainArn']} (its spaces)", spaces)
    for fs_id in sorted(f for f in file_systems if f):
        reader.attempt(fs_id, partial(_add, keys, _read_file_system, reader, fs_id))
    for bucket in sorted(b for b in buckets if b):
        reader.attempt(f"arn:{partition}:s3:::{bucket}", partial(
            _add_all, keys, _read_bucket, reader, bucket, partition,
            domain["DomainArn"].split(":")[4]))
    for image in sorted(images):
        reader.attempt(image, partial(_add, keys, _read_image, reader, image))
    for key in sorted(k for k in keys if k):
        reader.attempt(key, partial(_read_key, reader, key))
    for role in sorted(r for r in roles if r):
        reader.attempt(role, partial(_read_role, reader, role))
    if domain.get("VpcId"):
        reader.attempt(domain["VpcId"], lambda: _read_vpc(reader, domain["VpcId"], groups))
        reader.attempt(f"{domain['VpcId']}/endpoints",
                       lambda: _read_endpoints(reader, domain["VpcId"]))


def _add(keys: set[str | None], read: Callable[..., str | None], *args: Any) -> None:
    """Read a resource and remember the key it names."""
    keys.add(read(*args))


def _add_all(keys: set[str | None], read: Callable[..., set[str]], *args: Any) -> None:
    """Read a resource and remember every key it names."""
    keys.update(read(*args))


def _image_names(settings: dict[str, Any]) -> list[str]:
    return [i["ImageName"] for app in APP_SETTINGS
            for i in settings.get(app, {}).get("CustomImages", []) if i.get("ImageName")]


def _file_systems(settings: dict[str, Any]) -> set[str]:
    return {c.get("EFSFileSystemConfig", {}).get("FileSystemId")
            for c in settings.get("CustomFileSystemConfigs", [])} - {None}


def _bucket_of(settings: dict[str, Any]) -> str | None:
    path = settings.get("SharingSettings", {}).get("S3OutputPath") or ""
    return path[5:].split("/", 1)[0] if path.startswith("s3://") else None


def _read_file_system(reader: _Reader, fs_id: str) -> str | None:
    # Every read first: a file system is judged only with all of its settings known.
    efs = reader.client("efs")
    described = read(f"file system {fs_id}", efs.describe_file_systems, FileSystemId=fs_id)
    fs = described["FileSystems"][0]
    policy = reader.optional(f"file-system policy of {fs_id}", efs.describe_file_system_policy,
                             FileSystemId=fs_id)
    backup = reader.optional(f"backup policy of {fs_id}", efs.describe_backup_policy,
                             FileSystemId=fs_id)
    reader.add(tokens.EFS_FILE_SYSTEM, fs["FileSystemArn"],
               {"arn": fs["FileSystemArn"], "encrypted": fs.get("Encrypted", False),
                "kmsKeyId": fs.get("KmsKeyId")}, fs_id)
    if policy and policy.get("Policy"):
        reader.add(tokens.EFS_FILE_SYSTEM_POLICY, f"{fs_id}/policy",
                   {"fileSystemId": fs_id, "policy": policy["Policy"]})
    if backup:
        reader.add(tokens.EFS_BACKUP_POLICY, f"{fs_id}/backup",
                   {"fileSystemId": fs_id,
                    "backupPolicy": {"status": backup["BackupPolicy"]["Status"]}})
    key: str | None = fs.get("KmsKeyId")
    return key


def _read_bucket(reader: _Reader, bucket: str, partition: str, account: str) -> set[str]:
    """Read a bucket's settings; returns the keys its default encryption uses, for the
    audit to judge those keys too. ``account``: the domain's, whose users share notebooks
    into it."""
    # Every read first: a bucket is judged only with all of its settings known. Only its
    # configuration is read (a missing bucket fails each read): the library's bucket
    # perimeter denies listing and objects outside the VPC, where the audit runs.
    # Each read as the domain's account's bucket: a bucket of the same name in another
    # account (the domain's deleted, and its name taken) answers 403 ("If the bucket is
    # owned by a different account, the request fails with the HTTP status code 403
    # Forbidden", https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    # bucket-owner-condition.html), and is unread, never judged as the domain's.
    s3 = reader.client("s3")
    arn = f"arn:{partition}:s3:::{bucket}"
    of = f"{bucket} (as account {account}'s bucket)"
    mine = {"Bucket": bucket, "ExpectedBucketOwner": account}
    encryption = reader.optional(f"encryption of {of}", s3.get_bucket_encryption, **mine)
    policy = reader.optional(f"policy of {of}", s3.get_bucket_policy, **mine)
    block = reader.optional(f"public access block of {of}", s3.get_public_access_block,
                            **mine)
    versioning = read(f"versioning of {of}", s3.get_bucket_versioning, **mine)
    logging = read(f"logging of {of}", s3.get_bucket_logging, **mine)

    reader.add(tokens.S3_BUCKET, arn, {"bucket": bucket, "arn": arn}, bucket)
    if encryption:
        rules = [{"applyServerSideEncryptionByDefault": {
                     "sseAlgorithm": r.get("ApplyServerSideEncryptionByDefault", {})
                     .get("SSEAlgorithm"),
                     "kmsMasterKeyId": r.get("ApplyServerSideEncryptionByDefault", {})
                     .get("KMSMasterKeyID")},
                  "bucketKeyEnabled": r.get("BucketKeyEnabled", False)}
                 for r in encryption["ServerSideEncryptionConfiguration"]["Rules"]]
        reader.add(tokens.S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION, f"{arn}/encryption",
                   {"bucket": bucket, "rules": rules})
        keys = {r["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] for r in rules
                if r["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]}
    else:
        keys = set()
    if policy:
        reader.add(tokens.S3_BUCKET_POLICY, f"{arn}/policy",
                   {"bucket": bucket, "policy": policy["Policy"]})
    if block:
        reader.add(tokens.S3_BUCKET_PUBLIC_ACCESS_BLOCK,
                   f"{arn}/public-access",
                   {"bucket": bucket, **camel(block["PublicAccessBlockConfiguration"])})
    if versioning.get("Status"):
        reader.add(tokens.S3_BUCKET_VERSIONING, f"{arn}/versioning",
                   {"bucket": bucket, "versioningConfiguration": {"status":
                                                                  versioning["Status"]}})
    if logging.get("LoggingEnabled"):
        reader.add(tokens.S3_BUCKET_LOGGING, f"{arn}/logging",
                   {"bucket": bucket,
                    "targetBucket": logging["LoggingEnabled"].get("TargetBucket")})
    return keys


def _read_key(reader: _Reader, key: str) -> None:
    kms = reader.client("kms")
    metadata = read(f"key {key}", kms.describe_key, KeyId=key)["KeyMetadata"]
    if metadata.get("KeyManager") == "AWS":
        return  # AWS-managed keys: their policies and rotation are AWS's
    rotation = read(f"rotation of {key}", kms.get_key_rotation_status,
                    KeyId=metadata["KeyId"])
    policy = read(f"policy of {key}", kms.get_key_policy, KeyId=metadata["KeyId"],
                  PolicyName="default")
    reader.add(tokens.KMS_KEY, metadata["Arn"], {
        "arn": metadata["Arn"], "keyId": metadata["KeyId"],
        "enableKeyRotation": rotation.get("KeyRotationEnabled", False),
        "customerMasterKeySpec": metadata.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "policy": policy["Policy"]}, metadata["KeyId"])


def _read_role(reader: _Reader, arn: str) -> None:
    """An execution role with every policy it has: trust, inline and attached (AWS managed
    ones included), as the plan would show them, for the Studio-needs rules."""
    iam = reader.client("iam")
    name = arn.rsplit("/", 1)[-1]
    role = read(f"role {name}", iam.get_role, RoleName=name)["Role"]
    inline = []
    for policy_name in listed_iam(f"inline policies of {name}", iam.list_role_policies,
                                  "PolicyNames", RoleName=name):
        document = read(f"policy {policy_name} of {name}", iam.get_role_policy,
                        RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        inline.append((policy_name, document))
    attached = []
    for entry in listed_iam(f"managed policies of {name}", iam.list_attached_role_policies,
                            "AttachedPolicies", RoleName=name):
        policy = read(f"policy {entry['PolicyArn']}", iam.get_policy,
                      PolicyArn=entry["PolicyArn"])["Policy"]
        version = read(f"policy {entry['PolicyArn']}", iam.get_policy_version,
                       PolicyArn=entry["PolicyArn"],
                       VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        attached.append((entry["PolicyArn"], version["Document"]))
    reader.add(tokens.IAM_ROLE, role["Arn"], {
        "arn": role["Arn"], "name": name,
        "assumeRolePolicy": _json(role.get("AssumeRolePolicyDocument"))}, name)
    for policy_name, document in inline:
        reader.add(tokens.IAM_ROLE_POLICY, f"{role['Arn']}/{policy_name}",
                   {"role": name, "name": policy_name, "policy": _json(document)})
    for policy_arn, document in attached:
        reader.add(tokens.IAM_POLICY, policy_arn,
                   {"arn": policy_arn, "policy": _json(document)}, policy_arn)
        reader.add(tokens.IAM_ROLE_POLICY_ATTACHMENT,
                   f"{role['Arn']}/{policy_arn}", {"role": name, "policyArn": policy_arn})


def listed_iam(what: str, call: Callable[..., dict[str, Any]], key: str,
               **kwargs: Any) -> list[Any]:
    """Every item of an IAM list (``Marker``/``IsTruncated`` pages)."""
    items: list[Any] = []
    marker: str | None = None
    while True:
        page = read(what, call, **kwargs, **({"Marker": marker} if marker else {}))
        items += page.get(key, [])
        if not page.get("IsTruncated"):
            return items
        marker = page.get("Marker")


def _json(document: Any) -> str:
    """A policy document as text (IAM answers with it decoded)."""
    from urllib.parse import unquote

    return document if isinstance(document, str) and document.startswith("{") else \
        unquote(document) if isinstance(document, str) else json.dumps(document)


def _read_image(reader: _Reader, image: str) -> str | None:
    sagemaker = reader.client("sagemaker")
    version = read(f"image {image}", sagemaker.describe_image_version, ImageName=image)
    match = _IMAGE_URI.match(version.get("BaseImage", ""))
    if match is None:
        return None  # not in ECR of an account: nothing of ours to judge
    ecr = reader.client("ecr")
    repo = read(f"repository of image {image}", ecr.describe_repositories,
                registryId=match["registry"],
                repositoryNames=[match["repo"]])["repositories"][0]
    lifecycle = reader.optional(f"lifecycle policy of {repo['repositoryName']}",
                                ecr.get_lifecycle_policy, registryId=match["registry"],
                                repositoryName=repo["repositoryName"])
    # GetRepositoryPolicy answers RepositoryPolicyNotFoundException for a repository without
    # one (botocore's ecr model): nothing granted beyond IAM, nothing to judge.
    policy = reader.optional(f"repository policy of {repo['repositoryName']}",
                             ecr.get_repository_policy, registryId=match["registry"],
                             repositoryName=repo["repositoryName"])
    reader.add(tokens.ECR_REPOSITORY, repo["repositoryArn"], {
        "arn": repo["repositoryArn"], "name": repo["repositoryName"],
        "encryptionConfigurations": [camel(repo.get("encryptionConfiguration", {}))],
        "imageScanningConfiguration": camel(repo.get("imageScanningConfiguration", {})),
        "imageTagMutability": repo.get("imageTagMutability")}, repo["repositoryName"])
    if lifecycle:
        reader.add(tokens.ECR_LIFECYCLE_POLICY,
                   f"{repo['repositoryArn']}/lifecycle",
                   {"repository": repo["repositoryName"],
                    "policy": lifecycle.get("lifecyclePolicyText")})
    if policy:
        reader.add(tokens.ECR_REPOSITORY_POLICY, f"{repo['repositoryArn']}/policy",
                   {"repository": repo["repositoryName"], "policy": policy.get("policyText")})
    key: str | None = repo.get("encryptionConfiguration", {}).get("kmsKey")
    return key


def _read_vpc(reader: _Reader, vpc_id: str, groups: set[str]) -> None:
    ec2 = reader.client("ec2")
    vpc = read(f"VPC {vpc_id}", ec2.describe_vpcs, VpcIds=[vpc_id])["Vpcs"][0]
    flows = read(f"flow logs of {vpc_id}", ec2.describe_flow_logs,
                 Filters=[{"Name": "resource-id", "Values": [vpc_id]}])
    default = read(f"default security group of {vpc_id}", ec2.describe_security_groups,
                   Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                            {"Name": "group-name", "Values": ["default"]}])
    described = read("security groups", ec2.describe_security_groups,
                     GroupIds=sorted(groups)) if groups else {}
    arn = f"arn:aws:ec2:{ec2.meta.region_name}:{vpc.get('OwnerId')}:vpc/{vpc_id}"
    reader.add(tokens.EC2_VPC, arn, {"arn": arn, "cidrBlock": vpc.get("CidrBlock")}, vpc_id)
    for flow in flows.get("FlowLogs", []):
        reader.add(tokens.EC2_FLOW_LOG, flow["FlowLogId"],
                   {"vpcId": vpc_id, "trafficType": flow.get("TrafficType")})
    for group in default.get("SecurityGroups", []):
        reader.add(tokens.EC2_DEFAULT_SECURITY_GROUP, group["GroupId"],
                   {"vpcId": vpc_id, "ingress": _rules(group.get("IpPermissions", [])),
                    "egress": _rules(group.get("IpPermissionsEgress", []))}, group["GroupId"])
    for group in described.get("SecurityGroups", []):
        reader.add(tokens.EC2_SECURITY_GROUP, group["GroupId"],
                   {"vpcId": group.get("VpcId"), "name": group.get("GroupName"),
                    "ingress": _rules(group.get("IpPermissions", []))}, group["GroupId"])


ENDED_ENDPOINT_STATES = frozenset({"deleting", "deleted", "rejected", "failed", "expired"})
"""States of a VPC endpoint that carries no traffic (``DescribeVpcEndpoints`` lists a deleted
endpoint for a while): nothing to judge, and nothing anyone could fix."""


def _read_endpoints(reader: _Reader, vpc_id: str) -> None:
    """The VPC's endpoints, a read of their own: one that is denied (an audit role from before
    the audit read them) leaves the VPC's other verdicts standing."""
    ec2 = reader.client("ec2")
    endpoints = read(f"VPC endpoints of {vpc_id}", lambda: [
        endpoint for page in ec2.get_paginator("describe_vpc_endpoints").paginate(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
        for endpoint in page.get("VpcEndpoints", [])])
    live = [e for e in endpoints
            if str(e.get("State", "")).lower() not in ENDED_ENDPOINT_STATES]
    answers: dict[str, bool | None] = {}
    for endpoint in live:
        service = str(endpoint.get("ServiceName") or "")
        if catalog_name(service) is None and _aws_service(service):
            # Outside the library's catalog, only AWS knows whether the service takes a
            # policy: each such endpoint is read with that answer, or is unread.
            reader.attempt(f"endpoint {endpoint['VpcEndpointId']} ({service})", partial(
                _add_endpoint, reader, vpc_id, endpoint, answers))
        else:
            _add_endpoint(reader, vpc_id, endpoint)


def _aws_service(service_name: str) -> bool:
    """Whether an endpoint's service is AWS's: another account's endpoint service
    (``com.amazonaws.vpce.<region>.vpce-svc-…``) takes no policy but full access ("When you
    create a VPC endpoint for an endpoint service other than an AWS service, we allow full
    access to the endpoint", https://docs.aws.amazon.com/vpc/latest/privatelink/
    vpc-endpoints-access.html)."""
    return service_name.startswith(("com.amazonaws.", "cn.com.amazonaws.", "aws.")) \
        and ".vpce." not in service_name


def _add_endpoint(reader: _Reader, vpc_id: str, endpoint: Mapping[str, Any],
                  answers: dict[str, bool | None] | None = None) -> None:
    """One live endpoint; with ``answers``, AWS's word on whether its service takes a policy
    (``POLICY_SUPPORTED``), asked once per service."""
    service = endpoint.get("ServiceName")
    props = {"vpcId": vpc_id, "serviceName": service,
             "vpcEndpointType": endpoint.get("VpcEndpointType"),
             "privateDnsEnabled": endpoint.get("PrivateDnsEnabled"),
             # An endpoint whose service takes a policy carries one, AWS's full-access
             # default when none was given ("If you don't specify a policy, we attach a
             # default policy that allows full access to the service",
             # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).
             "policy": endpoint.get("PolicyDocument")}
    if answers is not None and isinstance(service, str):
        if service not in answers:
            # "To verify whether a service supports endpoint policies, call the
            # describe-vpc-endpoint-services command and check the value of
            # VpcEndpointPolicySupported" (https://docs.aws.amazon.com/vpc/latest/privatelink/
            # aws-services-privatelink-support.html). A name AWS does not know here
            # (InvalidServiceName: a service of another region, or retired) is no service to
            # judge.
            described = reader.optional(
                f"the endpoint service {service}",
                reader.client("ec2").describe_vpc_endpoint_services,
                absent={"InvalidServiceName"}, ServiceNames=[service])
            answers[service] = next(
                (d.get("VpcEndpointPolicySupported") for d in described["ServiceDetails"]
                 if d.get("ServiceName") == service), None) if described else None
        props[POLICY_SUPPORTED] = answers[service]
    reader.add(tokens.EC2_VPC_ENDPOINT, endpoint["VpcEndpointId"], props,
               endpoint["VpcEndpointId"])


def _rules(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"protocol": p.get("IpProtocol"), "fromPort": p.get("FromPort"),
             "toPort": p.get("ToPort"),
             "cidrBlocks": [r["CidrIp"] for r in p.get("IpRanges", [])],
             "ipv6CidrBlocks": [r["CidrIpv6"] for r in p.get("Ipv6Ranges", [])],
             "securityGroups": [g.get("GroupId") for g in p.get("UserIdGroupPairs", [])]}
            for p in permissions]
