"""The needs: what SageMaker Studio needs to work for every user and to keep users apart.

One entry of ``NEEDS`` per need, each citing the AWS page it comes from, so that every problem
the checks report names the need it breaks and where AWS says so (``_message``), and the docs
show the same table (``needs_table``): one source for the checks' wording and the docs'.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio_infra.judges import package_needs


@dataclass(frozen=True)
class Need:
    """One thing Studio needs, in one area (identity, isolation, network, files, keys), with
    the AWS page that says so: every problem reported against it cites that page."""

    key: str
    area: str
    summary: str
    source: str


_DG = "https://docs.aws.amazon.com/sagemaker/latest/dg/"
NEEDS: dict[str, Need] = {n.key: n for n in (
    Need("trust-sagemaker", "identity",
         "The execution role trusts sagemaker.amazonaws.com to assume it",
         _DG + "sagemaker-roles.html"),
    Need("trust-source-identity", "identity",
         "With ExecutionRoleIdentityConfig=USER_PROFILE_NAME, the trust policy also allows "
         "sts:SetSourceIdentity, or assuming the role fails",
         _DG + "monitor-user-access-how-to.html"),
    Need("studio-ui", "identity",
         "The Studio UI lists and describes domains, profiles, spaces and apps as the "
         "execution role (List* on '*')",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("own-spaces", "identity",
         "A user creates, updates and deletes their own private spaces, tagged on create",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("own-apps", "identity",
         "A user creates and deletes apps in their own private spaces, on the domain's "
         "default instance type",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("domain-key", "identity",
         "With a customer managed domain key, the execution role may create grants on it and "
         "describe it (checked on CreateApp); the key policy lets it",
         _DG + "sagemaker-roles.html#sagemaker-roles-createdomain-perms"),
    Need("sharing", "identity",
         "With notebook sharing, the role reads and writes the sharing prefix, through TLS, "
         "with the sharing key",
         _DG + "notebooks-sharing.html"),
    Need("canvas-workspace", "identity",
         "With Canvas settings, the role reads, writes and lists its user's folder of the "
         "Canvas workspace (Canvas/<UserProfileName>/ under the path), through TLS, with the "
         "workspace key",
         _DG + "canvas-storage-configuration.html"),
    Need("image-pull", "identity",
         "The role of each attached image can pull it from ECR",
         _DG + "sagemaker-roles.html#sagemaker-roles-createimage-perms"),
    Need("package-read", "identity",
         "With a package mirror (a CodeArtifact repository) in the plan, each execution role "
         "gets an authorization token for its domain and reads the repository (and "
         "sts:GetServiceBearerToken for CodeArtifact)",
         package_needs.READ_SOURCE),
    Need("mlflow-use", "identity",
         "With an MLflow tracking server in the stack, each execution role calls MLflow on it "
         "(sagemaker-mlflow actions on its ARN) and opens its UI "
         "(CreatePresignedMlflowTrackingServerUrl)",
         _DG + "mlflow-create-tracking-server-iam.html"),
    Need("mlflow-artifacts", "identity",
         "The tracking server's role reads, writes and lists its artifact store in S3, through "
         "TLS, under the bucket policy",
         _DG + "mlflow-create-tracking-server-iam.html"),
    Need("no-other-mlflow", "isolation",
         "No execution role calls MLflow on, or opens the UI of, a tracking server other than "
         "the stack's (sagemaker-mlflow actions act on one server's ARN)",
         "https://docs.aws.amazon.com/service-authorization/latest/reference/"
         "list_amazonsagemakerwithmlflow.html"),
    Need("sagemaker-network", "identity",
         "What SageMaker calls as the role from its own network (the Studio UI's calls, "
         "image pulls, a job's log writes) and the EFS client calls of a mount, which pass no "
         "VPC endpoint, are not denied by a network perimeter",
         "https://github.com/aws-samples/data-perimeter-policy-examples/blob/"
         "8e0d3c5179a45dca414d4ea1f3a7b544aba02009/service_control_policies/README.md"),
    Need("no-presign-other", "isolation",
         "No execution role creates a presigned URL for another user's profile",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("no-other-spaces", "isolation",
         "No execution role creates, updates or deletes another user's private spaces or "
         "their apps (sagemaker:OwnerUserProfileArn)",
         _DG + "studio-updated-jl-admin-guide-permissions.html"),
    Need("no-other-roles", "isolation",
         "One user's execution role cannot assume another user's",
         "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html"),
    Need("api-endpoints", "network",
         "In VpcOnly, the apps reach the SageMaker API and runtime, STS and CloudWatch Logs "
         "through interface endpoints (HTTPS from the apps' security groups) or a NAT route",
         _DG + "studio-updated-and-internet-access.html"),
    Need("package-endpoints", "network",
         "With a package mirror (a CodeArtifact repository) in the plan, the apps of a VpcOnly "
         "domain reach codeartifact.api and codeartifact.repositories through interface "
         "endpoints with private DNS (HTTPS from the apps' security groups) or a NAT route; "
         "pip needs no S3 path to it",
         package_needs.SOURCE),
    Need("s3-path", "network",
         "The apps reach S3: a gateway endpoint on the subnets' route tables and egress to its "
         "prefix list, an interface endpoint, or a NAT route",
         "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"),
    Need("endpoint-policies", "network",
         "The policy of each endpoint the apps need lets this account's principals call the "
         "service on this account's resources (S3: the domain's buckets)",
         "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"),
    Need("efs-path", "network",
         "Every attached EFS has a mount target in each domain subnet that accepts NFS (2049) "
         "from the apps' security groups, and the groups let it out",
         _DG + "domain-custom-file-system.html"),
    Need("app-ports", "network",
         "The apps' security groups allow NFS (2049) and TCP 8192-65535 among the apps, in "
         "and out",
         _DG + "studio-updated-and-internet-access.html"),
    Need("same-vpc", "network",
         "The domain's subnets and every security group of the domain and its profiles are "
         "in the domain's VPC (a group serves other VPCs only through a VPC association)",
         "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"),
    Need("own-directory", "files",
         "Each user's FileSystemPath exists, owned by the profile's uid/gid, writable by them "
         "(a new file system's root is owned by root, mode 0755)",
         "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html"),
    Need("not-others-directory", "files",
         "No user can write another user's directory through SageMaker's mount (against a "
         "user with root, file-boundaries)",
         _DG + "domain-custom-file-system.html"),
    Need("file-boundaries", "files",
         "No user's apps reach, on NFS, a file system holding files of a user outside their "
         "team: EFS believes the uid/gid the client asserts",
         "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs-nfs-permissions.html"),
    Need("team-spaces", "isolation",
         "No execution role of a user outside a team creates or deletes apps in, updates or "
         "deletes, the team's shared spaces (tagged StudioTeam), and the team's members may "
         "start and stop its apps: AWS opens a shared space to every profile of the domain",
         _DG + "execution-roles-and-spaces.html"),
    Need("grants-for-aws-resources", "keys",
         "Key policies allow kms:CreateGrant only with kms:GrantIsForAWSResource: a grant "
         "can give its holder Decrypt",
         "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
         "#conditions-kms-grant-is-for-aws-resource"),
)}


def needs_table() -> str:
    """The model as docs/how-checks-judge.md shows it."""
    lines = ["| Area | Need | Source |", "|---|---|---|"]
    lines += [f"| {n.area} | {n.summary} | [{n.key}]({n.source}) |" for n in NEEDS.values()]
    return "\n".join(lines)


def _message(need: str, text: str) -> str:
    """A problem's text, ending with the need it breaks and the page documenting that need."""
    return f"{text} [{need}: {NEEDS[need].source}]"
