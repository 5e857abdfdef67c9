"""The provider's argument types and hosted components: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components'
pydantic models (their ``ARGS``) and their declared outputs; that module says how each field
is mapped. Pulumi's analyzer reads these classes, and the docstrings below each field, to
infer the schema every other language sees.
"""

from typing import Any, NotRequired, TypedDict

import pulumi

from studio_infra.domain import StudioDomain as _StudioDomain
from studio_infra.ecr import ImageRepository as _ImageRepository
from studio_infra.efs import SharedFileSystem as _SharedFileSystem
from studio_infra.images import CustomImage as _CustomImage
from studio_infra.kms import StudioKeys as _StudioKeys
from studio_infra.network import StudioNetwork as _StudioNetwork
from studio_infra.provider.hosting import HostedComponent
from studio_infra.s3 import SecureBucket as _SecureBucket
from studio_infra.studio import Studio as _Studio
from studio_infra.users import StudioUser as _StudioUser


class ExistingNetwork(TypedDict):
    """A VPC built elsewhere: Studio gets only security groups and endpoints in it."""

    vpc_id: pulumi.Input[str]
    """The VPC (``vpc-…``) the domain will use."""

    private_subnet_ids: pulumi.Input[list[pulumi.Input[str]]]
    (
        "Private subnets for the domain's network interfaces (``subnet-…``); at least one. A "
        "``{label: id}`` mapping (e.g. zone -> id) also works, and lets ids be Outputs (from a "
        "StackReference) while components still know how many subnets there are."
    )

    private_route_table_ids: NotRequired[pulumi.Input[list[pulumi.Input[str]]]]
    (
        "Route tables of those subnets; the S3 gateway endpoint is added to them. Required "
        "unless ``s3_gateway_endpoint`` is False (the VPC already has one)."
    )

    nat_public_ips: NotRequired[list[str]]
    (
        "The public addresses of the VPC's NAT gateways, if its private subnets route through "
        "one: the network perimeter (``studio_infra.perimeter``) admits calls from them. Empty: "
        "only calls through the VPC's endpoints pass it."
    )


class StudioNetworkArgs(TypedDict):
    """Arguments of ``StudioNetwork``; every field has the hardened default."""

    cidr_block: NotRequired[str]
    (
        "IPv4 block of the new VPC, /16 to /28.\n\n"
        "Default: ``10.0.0.0/16``."
    )

    availability_zone_count: NotRequired[int]
    (
        "How many zones get a public and a private subnet (the first N the region offers). "
        "Studio needs at least two.\n\n"
        "Default: ``2``."
    )

    availability_zones: NotRequired[list[str]]
    """Exact zones to use instead of the first ``availability_zone_count``."""

    private_subnet_cidrs: NotRequired[list[str]]
    (
        "One block per zone for the private subnets. Default: the VPC split in eighths, the "
        "first N eighths for private subnets (a /19 each in a /16)."
    )

    public_subnet_cidrs: NotRequired[list[str]]
    (
        "One block per zone for the public subnets. Default: /22s (in a /16) carved from the "
        "VPC's last eighth."
    )

    nat: NotRequired[str]
    (
        "NAT gateways for outbound internet from the private subnets: one per zone (survives a "
        "zone outage), a single one (cheaper), or none (endpoints only; no pip installs).\n\n"
        "One of: ``none``, ``single``, ``per_az``.\n\n"
        "Default: ``per_az``."
    )

    interface_endpoints: NotRequired[list[str]]
    """Interface endpoints by short name. Default: ``DEFAULT_INTERFACE_ENDPOINTS``."""

    extra_endpoints: NotRequired[list[str]]
    """More endpoints by short name or by named set (``canvas``, ``feature-store``, …)."""

    s3_gateway_endpoint: NotRequired[bool]
    (
        "Add S3 as a gateway endpoint on the private route tables.\n\n"
        "Default: ``true``."
    )

    endpoint_policies: NotRequired[bool]
    (
        "A data-perimeter policy on every endpoint whose service takes one: only this account's "
        "principals (and AWS services) use it and, for S3, ECR, KMS and CloudWatch Logs, only "
        "for this account's resources (and the AWS-owned buckets image pulls and JumpStart "
        "read). False is the named opt-out: AWS's default policy (full access), which the "
        "``vpc-endpoint-policy`` rule reports."
    )

    endpoint_policy_documents: NotRequired[dict[str, Any]]
    (
        "Your own endpoint policy, by endpoint short name (``s3``, ``sts``, ``ecr.dkr``, …), "
        "instead of the generated one; a JSON string or a mapping with ``Statement``.\n\n"
        "Takes a string or an object."
    )

    trusted_image_accounts: NotRequired[list[str]]
    (
        "Accounts whose ECR images may be pulled through the ECR endpoints besides this one: "
        "those the domain's Docker settings trust, or AWS's image accounts."
    )

    flow_logs: NotRequired[bool]
    (
        "Send VPC flow logs (all traffic) to an encrypted CloudWatch log group.\n\n"
        "Default: ``true``."
    )

    flow_logs_kms_key_arn: NotRequired[pulumi.Input[str]]
    """Customer-managed key for the flow-log group. Default: a key is created for it."""

    flow_logs_retention_days: NotRequired[int]
    (
        "How long flow logs are kept; one of CloudWatch's retention periods.\n\n"
        "Default: ``365``."
    )

    existing_vpc: NotRequired[ExistingNetwork]
    (
        "Use this VPC instead of creating one; then only security groups and endpoints are "
        "created."
    )

    protect_data: NotRequired[bool]
    (
        "Protect the flow-log group and its key from deletion (``protect`` and "
        "``retain_on_delete``). Set False only for throw-away stacks.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags for every child resource; each child's own ``Name`` tag wins."""


class StudioKeysArgs(TypedDict):
    """Arguments of ``StudioKeys``."""

    purposes: NotRequired[list[str]]
    (
        "What the keys encrypt: ``sagemaker`` (domain, home EFS, app volumes), ``s3``, ``efs``, "
        "``ecr``, ``logs``, ``codeartifact`` (a package mirror's domain). Default: the first "
        "five (``PURPOSES``).\n\n"
        "One of: ``sagemaker``, ``s3``, ``efs``, ``ecr``, ``logs``, ``codeartifact``."
    )

    shared_key: NotRequired[bool]
    (
        "One key for every purpose instead of one per purpose (fewer keys, coarser audit).\n\n"
        "Default: ``false``."
    )

    existing_key_arn: NotRequired[pulumi.Input[str]]
    """Adopt this key for every purpose; nothing is created. Its policy is yours to keep."""

    existing_key_arns: NotRequired[dict[str, pulumi.Input[str]]]
    (
        "Adopt a key for some purposes; keys are created for the others.\n\n"
        "Keys, one of: ``sagemaker``, ``s3``, ``efs``, ``ecr``, ``logs``, ``codeartifact``."
    )

    user_role_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Roles (ARNs or Outputs) that may use the created keys directly, e.g. Studio execution "
        "roles."
    )

    key_admin_arns: NotRequired[list[str]]
    (
        "IAM roles or users that alone may change the created keys' policies "
        "(``kms:PutKeyPolicy``); include the principal that deploys (KMS's lockout check, "
        "``LOCKOUT_PAGE``). Empty: the account administers them whole, as AWS's default does."
    )

    alias_prefix: NotRequired[str]
    """Aliases are ``alias/<prefix>/<purpose>``. Default: ``<project>/<stack>/<name>``."""

    deletion_window_days: NotRequired[int]
    (
        "Days a scheduled deletion can still be cancelled (AWS allows 7-30).\n\n"
        "Default: ``30``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on every key: losing a key loses its data.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every key; each key's ``Name`` wins."""


class BucketSettings(TypedDict):
    (
        "What a person chooses about a secure bucket (``studio:sharing``); the ``SecureBucket`` "
        "arguments add the key a program wires in."
    )

    bucket_name: NotRequired[str]
    """Physical name. Default: ``<resource name>-<random>``, chosen by the provider."""

    policy_statements: NotRequired[list[Any]]
    (
        "More bucket-policy statements (dicts, JSON strings, or Outputs of dicts, e.g. one "
        "naming a role created in the same program). ``{bucket_arn}`` inside a string is "
        "replaced by the bucket's ARN."
    )

    versioning: NotRequired[bool]
    (
        "Keep every version of every object (recovers overwrites and deletes).\n\n"
        "Default: ``true``."
    )

    noncurrent_version_days: NotRequired[int]
    (
        "Days a replaced or deleted version is kept.\n\n"
        "Default: ``90``."
    )

    access_logging: NotRequired[bool]
    (
        "Server access logs (who read or wrote what).\n\n"
        "Default: ``true``."
    )

    log_bucket_name: NotRequired[pulumi.Input[str]]
    """Existing bucket (name or Output) for access logs. Default: a log bucket is created."""

    log_retention_days: NotRequired[int]
    (
        "Days a created log bucket keeps access logs.\n\n"
        "Default: ``365``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Objects only through the VPC's S3 endpoints (``perimeter.bucket_statement``): applied "
        "when the program wires them in (``vpc_endpoint_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains with an S3 endpoint). False is the named opt-out.\n\n"
        "Default: ``true``."
    )

    perimeter_admin_arns: NotRequired[list[str]]
    (
        "IAM principals (role or user ARNs, ``*`` wildcards allowed) that may still read and "
        "write the objects from outside the VPC: the administrators who restore or audit data."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the buckets: data outlives the stack.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""


class FilesConfig(TypedDict):
    (
        "The users' file systems (``studio:shared_efs``): ``FileSystemSettings`` for each, and "
        "how users are grouped onto them (``studio_infra.file_boundaries``)."
    )

    users_root: NotRequired[str]
    (
        "Directory under which each user's directory is created (root-owned, 0755).\n\n"
        "Default: ``/users``."
    )

    removed_users: NotRequired[str]
    (
        "A removed user's directory: ``keep`` leaves it in place (re-adding the name gives it "
        "back); ``archive`` moves it to ``<archive_root>/<name>-<UTC time>`` when the user is "
        "removed, out of reach of everyone but an administrator, files and owners intact.\n\n"
        "One of: ``keep``, ``archive``.\n\n"
        "Default: ``keep``."
    )

    archive_root: NotRequired[str]
    (
        "Where archived directories go (made root-only, 0700); outside ``users_root``.\n\n"
        "Default: ``/archived-users``."
    )

    performance_mode: NotRequired[str]
    (
        "EFS performance mode; ``maxIO`` only for thousands of concurrent clients.\n\n"
        "One of: ``generalPurpose``, ``maxIO``.\n\n"
        "Default: ``generalPurpose``."
    )

    throughput_mode: NotRequired[str]
    (
        "``elastic`` scales with use; ``bursting`` earns credits with size.\n\n"
        "One of: ``elastic``, ``bursting``.\n\n"
        "Default: ``elastic``."
    )

    transition_to_ia: NotRequired[str]
    (
        "Move files not read for this long to Infrequent Access (back on first read); None "
        "keeps everything in Standard.\n\n"
        "One of: ``AFTER_1_DAY``, ``AFTER_7_DAYS``, ``AFTER_14_DAYS``, ``AFTER_30_DAYS``, "
        "``AFTER_60_DAYS``, ``AFTER_90_DAYS``, ``AFTER_180_DAYS``, ``AFTER_270_DAYS``, "
        "``AFTER_365_DAYS``.\n\n"
        "Default: ``AFTER_30_DAYS``."
    )

    backups: NotRequired[bool]
    (
        "AWS Backup's daily automatic backups.\n\n"
        "Default: ``true``."
    )

    allow_root_access: NotRequired[bool]
    (
        "Let every client act as root on the file system (``ClientRootAccess``). The directory "
        "provisioner may, through its own access point, regardless.\n\n"
        "Default: ``false``."
    )

    require_tls: NotRequired[bool]
    (
        "Deny clients that do not mount with TLS. AWS does not document whether Studio mounts "
        "with TLS (``STUDIO_TLS_PAGES``, which also says why the default keeps the deny); False "
        "is the opt-out if Studio's apps cannot mount, reported by "
        "``efs-deny-insecure-transport``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the file system.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""

    boundary: NotRequired[str]
    (
        "``user``: a file system per user; ``team``: one per team (members share it by design; "
        "users without a team get their own); ``domain``: one for every user, reachable from "
        "every app of the domain, so any user with root in their app can read and write every "
        "user's files (EFS believes the client's uid). ``domain`` is the opt-out that keeps the "
        "single file system of earlier versions and its data; ``studio-file-boundaries`` "
        "reports it.\n\n"
        "One of: ``user``, ``team``, ``domain``.\n\n"
        "Default: ``user``."
    )


class RepositorySettings(TypedDict):
    (
        "What a person chooses about an image repository (``studio:repository``); the "
        "``ImageRepository`` arguments add what a program wires in."
    )

    name: NotRequired[str]
    (
        "Repository name; lower-cased, then checked against ECR's rule (``team/image`` works). "
        "``Studio`` defaults it to ``<project>-<stack>-studio``."
    )

    pull_role_arns: NotRequired[list[pulumi.Input[str]]]
    """Roles (ARNs or Outputs) that may pull, besides SageMaker itself."""

    untagged_expire_days: NotRequired[int]
    (
        "Days before an untagged image (a tag moved away, a failed push) is deleted.\n\n"
        "Default: ``7``."
    )

    keep_last: NotRequired[int]
    (
        "How many images to keep at most; older ones expire.\n\n"
        "Default: ``30``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the repository (deleting it deletes images).\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the repository; its ``Name`` wins."""


class MlflowSettings(TypedDict):
    (
        "What a person chooses about managed MLflow (``studio:mlflow``); ``TrackingServerArgs`` "
        "adds what a program wires in."
    )

    name: NotRequired[str]
    (
        "The tracking server's name (part of its ARN; changing it replaces the server). "
        "Default: ``<project>-<stack>``, with characters AWS refuses turned into hyphens."
    )

    size: NotRequired[str]
    (
        "``Small`` (AWS suggests it for up to 25 users), ``Medium`` or ``Large``: billed by the "
        "hour, priced in the plan's cost.\n\n"
        "One of: ``Small``, ``Medium``, ``Large``.\n\n"
        "Default: ``Small``."
    )

    mlflow_version: NotRequired[str]
    """The MLflow version. Default: the one SageMaker picks when the server is created."""

    automatic_model_registration: NotRequired[bool]
    (
        "Register models logged to MLflow in the SageMaker Model Registry; the server's role "
        "then gets the registry actions too (``REGISTRY_ACTIONS``).\n\n"
        "Default: ``false``."
    )

    weekly_maintenance_window_start: NotRequired[str]
    """When AWS may update the server, ``Tue:03:30`` (UTC). Default: AWS chooses."""

    artifacts: NotRequired[BucketSettings]
    """The artifact bucket (``SecureBucket`` settings; its key is the stack's ``s3`` key)."""


class ImageBuild(TypedDict):
    """How an image's container is built: a folder with a Dockerfile, for one platform."""

    context: str
    """Folder holding the Dockerfile and what it copies, relative to the program."""

    dockerfile: NotRequired[str]
    (
        "Dockerfile path inside ``context``.\n\n"
        "Default: ``Dockerfile``."
    )

    platform: NotRequired[str]
    (
        "Studio instances run x86-64 unless you choose Graviton instance types.\n\n"
        "Default: ``linux/amd64``."
    )


class KernelSpec(TypedDict):
    """KernelSpec"""

    name: str
    """The Jupyter kernel name inside the image (``python3``)."""

    display_name: NotRequired[str]
    """What users see in the launcher. Default: the name."""


class ImageSpec(TypedDict):
    """What an image is and how Studio starts it; ``CustomImageArgs`` adds where it lives."""

    image_name: str
    (
        "SageMaker image name users pick in Studio: letters, digits and '-', up to 63 "
        "characters. AWS's API also allows '.', but the AWS provider refuses it (its "
        "``image.go``), so a dotted name would fail at preview."
    )

    display_name: NotRequired[str]
    """The name Studio shows in its image picker. Default: the image name."""

    description: NotRequired[str]
    """What the image is for, shown beside it in Studio."""

    app_type: NotRequired[str]
    (
        "The app that runs the image: ``JupyterLab`` and ``CodeEditor`` (Studio) or "
        "``KernelGateway`` (Studio Classic).\n\n"
        "One of: ``JupyterLab``, ``KernelGateway``, ``CodeEditor``.\n\n"
        "Default: ``JupyterLab``."
    )

    image_uri: NotRequired[pulumi.Input[str]]
    """An existing container, ``<registry>/<repo>:<tag>`` or ``…@sha256:<digest>``."""

    build: NotRequired[ImageBuild]
    """Build this context and push it to ``repository`` instead of using ``image_uri``."""

    kernel_specs: NotRequired[list[KernelSpec]]
    (
        "Kernels in a KernelGateway image (at least one). Not for JupyterLab or Code Editor, "
        "whose kernels the app finds itself."
    )

    container_entrypoint: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: the command that starts the app. Default for JupyterLab: "
        "``jupyter-lab``; a Code Editor image has no default and needs one."
    )

    container_arguments: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: its arguments. Default for JupyterLab: port 8888, base URL "
        "``/jupyterlab/default``, no token (``JUPYTERLAB_ARGUMENTS``)."
    )

    container_environment: NotRequired[dict[str, str]]
    """JupyterLab and Code Editor: environment variables of the app."""

    mount_path: NotRequired[str]
    (
        "KernelGateway: where the user's home file system is mounted. JupyterLab and Code "
        "Editor always use /home/sagemaker-user.\n\n"
        "Default: ``/home/sagemaker-user``."
    )

    uid: NotRequired[int]
    (
        "KernelGateway: the user the app runs as (1000 or 0). JupyterLab and Code Editor run as "
        "1000.\n\n"
        "Default: ``1000``."
    )

    gid: NotRequired[int]
    (
        "KernelGateway: the app's group (100 or 0). JupyterLab and Code Editor run as 100.\n\n"
        "Default: ``100``."
    )


class LifecycleScript(TypedDict):
    """One script, the app it runs in, and whether it runs by default."""

    name: str
    """Stable name of the script; the configuration is ``<name>-<8 hex of its content>``."""

    script: str
    """Path of the shell script, relative to the program's folder."""

    app_type: NotRequired[str]
    (
        "The app whose start runs it.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``.\n\n"
        "Default: ``JupyterLab``."
    )

    default: NotRequired[bool]
    (
        "Run it at every start of that app type (the app's ``DefaultResourceSpec``); otherwise "
        "users may pick it. At most one default per app type."
    )


class PackageMirrorSettings(TypedDict):
    """What a person chooses about the mirror (``studio:packages``)."""

    domain_name: NotRequired[str]
    (
        "The CodeArtifact domain. Default: ``<project>-<stack>`` in lower case. AWS: \"The "
        "domain name is used as the prefix in DNS hostnames. Do not use sensitive information\"."
    )

    repository_name: NotRequired[str]
    (
        "The repository users install from.\n\n"
        "Default: ``pypi``."
    )

    upstream: NotRequired[str]
    (
        "The public repository it mirrors (``UPSTREAMS``).\n\n"
        "One of: ``pypi``.\n\n"
        "Default: ``pypi``."
    )

    default_lifecycle: NotRequired[bool]
    (
        "Run the pip configuration at every JupyterLab and Code Editor start (the default "
        "lifecycle configuration of each app type). False: it is only offered, and a user picks "
        "it, or runs ``aws codeartifact login --tool pip`` by hand."
    )


class SpaceStorage(TypedDict):
    """The EBS volume of each space: its size when created, and the most a user may give it."""

    default_gb: NotRequired[int]
    (
        "Size of a new space's volume, in GB.\n\n"
        "Default: ``5``."
    )

    maximum_gb: NotRequired[int]
    (
        "The largest a user may make a space's volume, in GB: the cost ceiling per space.\n\n"
        "Default: ``100``."
    )


class DockerAccess(TypedDict):
    """Docker in the domain's spaces (``DomainSettings.DockerSettings``)."""

    enabled: NotRequired[bool]
    (
        "``EnableDockerAccess``: let JupyterLab and Code Editor spaces run Docker. Off by "
        "default: a container engine in a notebook pulls and runs whatever image it reaches."
    )

    trusted_accounts: NotRequired[list[str]]
    (
        "``VpcOnlyTrustedAccounts``: the accounts trusted when the domain is ``VpcOnly`` (your "
        "own included). Required when Docker is enabled in a ``VpcOnly`` domain."
    )


class StudioPortal(TypedDict):
    (
        "What the Studio web portal hides from every user of the domain "
        "(``StudioWebPortalSettings``); the API and IAM decide what they may do."
    )

    hidden_app_types: NotRequired[list[str]]
    (
        "Apps hidden from the left navigation (``HiddenAppTypes``: ``CodeEditor``, ``Canvas``, "
        "...), besides Studio Classic's unless ``classic_apps``."
    )

    hidden_ml_tools: NotRequired[list[str]]
    (
        "ML tools hidden from the left navigation (``HiddenMlTools``: ``DataWrangler``, "
        "``AutoMl``, ``JumpStart``, ...)."
    )

    hidden_instance_types: NotRequired[list[str]]
    (
        "Instance types not offered in the portal (``HiddenInstanceTypes``). Empty by default: "
        "each execution role's ``instance_types`` is what decides (docs/components.md, \"The "
        "portal\")."
    )


class CanvasSettings(TypedDict):
    (
        "Canvas for every user of the domain (``CanvasAppSettings``): its workspace encrypted "
        "with a customer-managed key, and each feature off unless asked for."
    )

    workspace_s3_path: NotRequired[str]
    (
        "``s3://bucket/prefix`` for Canvas's artifacts. Default: the library's bucket (the "
        "notebook-sharing one) under ``canvas/``. Changing it later leaves users without their "
        "earlier artifacts (AWS)."
    )

    workspace_kms_key_arn: NotRequired[pulumi.Input[str]]
    (
        "The key Canvas encrypts its artifacts with; required with ``workspace_s3_path``. "
        "Default: the sharing bucket's key."
    )

    kendra: NotRequired[bool]
    (
        "Document querying with Amazon Kendra (``KendraSettings``): off unless asked.\n\n"
        "Default: ``false``."
    )

    direct_deploy: NotRequired[bool]
    (
        "Users deploy Canvas models to SageMaker endpoints (``DirectDeploySettings``): off "
        "unless asked; the endpoint calls still need the role's grants.\n\n"
        "Default: ``false``."
    )

    time_series_forecasting: NotRequired[bool]
    (
        "Forecasting through Amazon Forecast (``TimeSeriesForecastingSettings``); needs "
        "``forecast_role_arn``.\n\n"
        "Default: ``false``."
    )

    forecast_role_arn: NotRequired[pulumi.Input[str]]
    (
        "The role Canvas passes to Amazon Forecast: trusts ``forecast.amazonaws.com`` and holds "
        "``AmazonSageMakerCanvasForecastAccess`` (made by you, scoped to Forecast)."
    )

    model_registration: NotRequired[bool]
    (
        "Registering Canvas models in the SageMaker model registry (``ModelRegisterSettings``).\n\n"
        "Default: ``false``."
    )

    cross_account_model_register_role_arn: NotRequired[pulumi.Input[str]]
    """Only to register into another account's registry: that account's role."""


class DomainConfig(TypedDict):
    (
        "Domain settings (``studio:domain``): ``DomainSettings``, and what names and switches "
        "the stack resolves itself."
    )

    auth_mode: NotRequired[str]
    (
        "``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center; users need "
        "``sso_user_name``).\n\n"
        "One of: ``IAM``, ``SSO``.\n\n"
        "Default: ``IAM``."
    )

    allow_public_internet: NotRequired[bool]
    (
        "Opt-out: ``PublicInternetOnly``, apps reach the internet directly, not through the "
        "VPC. Less safe: traffic bypasses VPC endpoints, flow logs and network controls.\n\n"
        "Default: ``false``."
    )

    sharing_prefix: NotRequired[str]
    (
        "Where shared notebooks go in the sharing bucket.\n\n"
        "Default: ``sharing/``."
    )

    default_instance_type: NotRequired[str]
    (
        "Instance type apps start on unless the user picks another.\n\n"
        "Default: ``ml.t3.medium``."
    )

    idle_timeout_minutes: NotRequired[int]
    (
        "JupyterLab and Code Editor apps stop after this long idle (60-525600).\n\n"
        "Default: ``60``."
    )

    lifecycle_config_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Lifecycle configurations made elsewhere, offered in JupyterLab (``LifecycleConfigs`` "
        "makes them from scripts: ``lifecycle_configs``)."
    )

    space_storage: NotRequired[SpaceStorage]
    """Each space's EBS volume: 5 GB to start, 100 GB at most unless changed."""

    trusted_identity_propagation: NotRequired[bool]
    (
        "With ``SSO``: the user's Identity Center identity travels to the AWS services Studio "
        "calls for them (``DomainSettings.TrustedIdentityPropagationSettings``).\n\n"
        "Default: ``false``."
    )

    tag_propagation: NotRequired[bool]
    (
        "Tags of the domain, profiles and spaces are copied to the apps and volumes SageMaker "
        "creates for them, so cost reports can group by user and team.\n\n"
        "Default: ``true``."
    )

    classic_apps: NotRequired[bool]
    (
        "Show Studio Classic's apps (JupyterServer, KernelGateway) in Studio. Classic takes no "
        "new onboarding since 2023-11-30; they stay hidden unless asked for (KernelGateway "
        "images or a user's default JupyterServer app ask for them)."
    )

    home_efs_retention: NotRequired[str]
    (
        "What happens to the home EFS when the domain is deleted. ``Retain`` keeps user data.\n\n"
        "One of: ``Retain``, ``Delete``.\n\n"
        "Default: ``Retain``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the domain.\n\n"
        "Default: ``true``."
    )

    cleanup_on_destroy: NotRequired[bool]
    (
        "Add ``StudioNetworkCleanup``: on ``pulumi destroy``, after the domain, it removes the "
        "NFS security groups, network interfaces (and home EFS, with retention ``Delete``) that "
        "SageMaker created and that would block deleting the subnets and VPC.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the domain; its ``Name`` wins."""

    docker: NotRequired[DockerAccess]
    (
        "Docker in spaces (``DockerSettings``): disabled unless ``enabled``; enabled in a "
        "``VpcOnly`` domain it names ``trusted_accounts``."
    )

    portal: NotRequired[StudioPortal]
    (
        "What the Studio web portal hides from every user (``StudioWebPortalSettings``: app "
        "types, ML tools, instance types); nothing but Studio Classic's apps by default."
    )

    canvas: NotRequired[CanvasSettings]
    (
        "SageMaker Canvas (``CanvasAppSettings``): its workspace in the library's encrypted "
        "bucket (or a path and key given), Kendra, direct deploy, forecasting and model "
        "registration off unless asked. None: no Canvas settings are sent."
    )

    name: NotRequired[str]
    """Domain name. Default: ``<project>-<stack>``."""

    images: NotRequired[list[str]]
    """Names of images offered to every user."""

    lifecycle_configs: NotRequired[list[str]]
    """Names of lifecycle configurations (from ``lifecycle_configs``) offered to every user."""

    sso_groups: NotRequired[list[str]]
    """With ``auth_mode: SSO``: IAM Identity Center groups assigned to the domain."""

    notebook_sharing: NotRequired[bool]
    (
        "A sharing bucket, and notebook sharing on in every profile.\n\n"
        "Default: ``true``."
    )

    attach_shared_efs: NotRequired[bool]
    (
        "Attach each user's directory of the shared EFS to their spaces.\n\n"
        "Default: ``true``."
    )


class RoleSettings(TypedDict):
    (
        "What a person chooses about an execution role (``studio:execution_role``, a team); the "
        "``StudioExecutionRole`` arguments add what a program wires in."
    )

    instance_types: NotRequired[list[str]]
    """Instance types this role may start apps on; GPU types only if listed here."""

    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Managed policies to attach as well. None by default: broad access is a choice. An ARN "
        "given as a string names its attachment (``<role>-<policy name>``); one given as an "
        "Output (``aws.iam.Policy(...).arn``) is named by its place among the Outputs "
        "(``<role>-managed-1``, ...): add new ones at the end."
    )

    job_guardrails: NotRequired[bool]
    (
        "Deny statements that bind any job permission the role gets: training, processing, "
        "tuning, transform, AutoML and monitoring jobs must run in a VPC with security groups, "
        "with volume and output KMS keys and inter-container encryption (the role's managed "
        "policy ``<name>-guardrails``). False is the named opt-out, which the "
        "``sagemaker-job-guardrails`` rule reports.\n\n"
        "Default: ``true``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Deny the role's calls made from outside the Studio VPC "
        "(``perimeter.identity_statement``, in the ``<name>-guardrails`` policy): session "
        "credentials taken from a notebook stop working on the internet. Applied when the "
        "program wires in the VPC (``perimeter_vpc_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains). False is the named opt-out, reported by ``studio-credentials-outside-vpc``.\n\n"
        "Default: ``true``."
    )

    job_network_isolation: NotRequired[bool]
    (
        "Also require network isolation for the jobs that take it (off by default: it breaks "
        "jobs that call AWS APIs or install packages at run time)."
    )

    local_storage_instance_types: NotRequired[list[str]]
    (
        "Instance-type patterns with local storage, which AWS refuses a volume key (their disks "
        "are encrypted by hardware): the volume-key guardrail spares jobs on these alone. "
        "Default: the families SageMaker names (``ml.g4dn.*``, ``ml.g5.*``, ``ml.p4d.*``); add "
        "others from EC2's instance store table."
    )


class TeamConfig(TypedDict):
    """A team: its own execution role, instance types and images, in the shared domain."""

    instance_types: NotRequired[list[str]]
    """Instance types this role may start apps on; GPU types only if listed here."""

    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Managed policies to attach as well. None by default: broad access is a choice. An ARN "
        "given as a string names its attachment (``<role>-<policy name>``); one given as an "
        "Output (``aws.iam.Policy(...).arn``) is named by its place among the Outputs "
        "(``<role>-managed-1``, ...): add new ones at the end."
    )

    job_guardrails: NotRequired[bool]
    (
        "Deny statements that bind any job permission the role gets: training, processing, "
        "tuning, transform, AutoML and monitoring jobs must run in a VPC with security groups, "
        "with volume and output KMS keys and inter-container encryption (the role's managed "
        "policy ``<name>-guardrails``). False is the named opt-out, which the "
        "``sagemaker-job-guardrails`` rule reports.\n\n"
        "Default: ``true``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Deny the role's calls made from outside the Studio VPC "
        "(``perimeter.identity_statement``, in the ``<name>-guardrails`` policy): session "
        "credentials taken from a notebook stop working on the internet. Applied when the "
        "program wires in the VPC (``perimeter_vpc_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains). False is the named opt-out, reported by ``studio-credentials-outside-vpc``.\n\n"
        "Default: ``true``."
    )

    job_network_isolation: NotRequired[bool]
    (
        "Also require network isolation for the jobs that take it (off by default: it breaks "
        "jobs that call AWS APIs or install packages at run time)."
    )

    local_storage_instance_types: NotRequired[list[str]]
    (
        "Instance-type patterns with local storage, which AWS refuses a volume key (their disks "
        "are encrypted by hardware): the volume-key guardrail spares jobs on these alone. "
        "Default: the families SageMaker names (``ml.g4dn.*``, ``ml.g5.*``, ``ml.p4d.*``); add "
        "others from EC2's instance store table."
    )

    name: str
    """The team's name: names its role (``<name>-team-<team>``)."""

    images: NotRequired[list[str]]
    """Images offered to the team's users (besides the domain's)."""

    lifecycle_configs: NotRequired[list[str]]
    """Lifecycle configurations offered to the team's users (besides the domain's)."""

    shared_space: NotRequired[str]
    (
        "A shared space of this app type for the team (``<team>-shared``); every user of the "
        "domain can see a shared space.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``."
    )

    space_owner: NotRequired[str]
    (
        "The member who owns the shared space. AWS cannot change a space's owner, and a profile "
        "that owns a space cannot be deleted: a new owner means a new space (its volume lost, "
        "which the data-loss guard reports). Default: the first member by name; name one to "
        "keep it."
    )


class UserConfig(TypedDict):
    """A Studio user: name and POSIX ids, plus what this user alone gets."""

    name: str
    """The user profile name: letters, digits and hyphens, at most 63 characters."""

    uid: NotRequired[int]
    """10000-4000000 (SageMaker's range). Default: derived from the name."""

    gid: NotRequired[int]
    """1001-4000000. Default: the uid (a private group per user)."""

    images: NotRequired[list[str]]
    """Names of images (from ``images``) offered to this user only."""

    team: NotRequired[str]
    """Team whose execution role and images the user shares."""

    instance_types: NotRequired[list[str]]
    """Instance types granted to this user alone (gives the user an own role)."""

    own_role: NotRequired[bool]
    (
        "An execution role for this user alone.\n\n"
        "Default: ``false``."
    )

    default_app: NotRequired[bool]
    """Start the user's default JupyterServer app at deploy time."""

    sharing: NotRequired[bool]
    (
        "Notebook sharing as the domain sets it; False disables it for this user.\n\n"
        "Default: ``true``."
    )

    sso_user_name: NotRequired[str]
    """IAM Identity Center user name (required when the domain uses SSO)."""

    lifecycle_configs: NotRequired[list[str]]
    """Names of lifecycle configurations (from ``lifecycle_configs``) for this user only."""

    private_space: NotRequired[str]
    (
        "A private space of this app type made for the user.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``."
    )


class StudioConfig(TypedDict):
    (
        "Everything under the ``studio`` config namespace. Each section is the settings model "
        "of its component, so a default is declared once and checked where it is given."
    )

    network: NotRequired[StudioNetworkArgs]
    """``StudioNetworkArgs`` (``existing_vpc`` for a network built elsewhere)."""

    keys: NotRequired[StudioKeysArgs]
    """``StudioKeysArgs``."""

    sharing: NotRequired[BucketSettings]
    """The notebook-sharing bucket (its key is the ``s3`` key)."""

    shared_efs: NotRequired[FilesConfig]
    (
        "The users' file systems, one per ``boundary`` (their network, key and users are the "
        "stack's); null for none."
    )

    repository: NotRequired[RepositorySettings]
    """The repository built images are pushed to."""

    mlflow: NotRequired[MlflowSettings]
    (
        "A SageMaker MLflow tracking server every execution role of the stack may use (and no "
        "other). Off by default: a server is billed by the hour (``studio-infra plan`` prices "
        "it); ``{}`` turns it on with the defaults."
    )

    images: NotRequired[list[ImageSpec]]
    """Custom images, each built from a folder or taken from an existing URI."""

    lifecycle_configs: NotRequired[list[LifecycleScript]]
    """Studio lifecycle configurations, each from a script file."""

    packages: NotRequired[PackageMirrorSettings]
    (
        "A private PyPI mirror (CodeArtifact) and the pip configuration apps run, so ``pip "
        "install`` works without internet (``studio_infra.packages``); null (the default) for "
        "none."
    )

    cost_tags: NotRequired[bool]
    (
        "Tag each user's profile and space with ``StudioUser``: with tag propagation, cost "
        "reports group by it. Team members' profiles and team spaces carry ``StudioTeam`` in "
        "any case (team membership, which the isolation checks read; cost reports group by it "
        "too).\n\n"
        "Default: ``true``."
    )

    domain: NotRequired[DomainConfig]
    """The domain's settings."""

    execution_role: NotRequired[RoleSettings]
    """The default execution role (users without a team or role of their own)."""

    teams: NotRequired[list[TeamConfig]]
    """Teams, each with its own role and images."""

    users: NotRequired[list[UserConfig]]
    """The users: one profile each, ids stable whatever the order."""

    protect_data: NotRequired[bool]
    (
        "Protect the data-bearing resources (keys, buckets, EFS, domain, log group).\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    (
        "Tags on every resource that takes tags: at most 50 less ``Name`` and the cost tags "
        "(checked with the users and teams, which decide how many cost tags there are)."
    )


class Studio(HostedComponent):
    (
        "A complete, secure SageMaker Studio setup built from one ``StudioConfig`` (by default, "
        "the stack's ``studio:*`` configuration).\n\n"
        "Outputs for Python programs only (other components, Python objects): ``keys``, "
        "``network``, ``domain``, ``default_role``, ``team_roles``, ``users``, ``sharing``, "
        "``repository``, ``images``, ``lifecycle``, ``packages``, ``shared_efs``, "
        "``file_systems``, ``user_file_systems``, ``team_spaces``, ``apps_cleanup``, "
        "``mlflow``."
    )

    domain_id: pulumi.Output[str]
    """The domain's id."""

    domain_url: pulumi.Output[str]
    """The domain's Studio URL."""

    user_profiles: list[str]
    """The users' profile names, in configuration order."""

    file_groups: dict[str, pulumi.Output[str]]
    (
        "The security group that admits each user to their own file system, by user name "
        "(per-user or per-team boundaries only)."
    )

    def __init__(self, name: str, args: StudioConfig,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_Studio, name, args, opts)


class StudioNetwork(HostedComponent):
    """A VPC (new or existing) made ready for a ``VpcOnly`` SageMaker Studio domain."""

    vpc_id: pulumi.Output[str]
    """The VPC the domain uses."""

    availability_zones: pulumi.Output[list[str]]
    """The zones of the subnets created (empty for an existing VPC)."""

    public_subnet_ids: pulumi.Output[list[str]]
    """Public subnets (the NAT gateways'); empty for an existing VPC."""

    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnets: the domain's ``SubnetIds``."""

    public_route_table_ids: pulumi.Output[list[str]]
    """The public route table (internet gateway route)."""

    private_route_table_ids: pulumi.Output[list[str]]
    """One route table per private subnet (NAT route, S3 gateway endpoint)."""

    studio_security_group_id: pulumi.Output[str]
    """The apps' security group: NFS and app ports within itself, HTTPS out."""

    endpoint_security_group_id: pulumi.Output[str]
    """The interface endpoints' security group: HTTPS from the apps only."""

    endpoint_ids: pulumi.Output[dict[str, str]]
    """Endpoint short name -> VPC endpoint id."""

    nat_public_ips: pulumi.Output[list[str]]
    (
        "The public addresses of the NAT gateways (their Elastic IPs), the source of every call "
        "leaving through them; empty without NAT. In an existing VPC, its ``nat_public_ips``."
    )

    flow_log_group_name: pulumi.Output[str]
    """The CloudWatch log group of the VPC's flow logs (None without flow logs)."""

    private_subnets: dict[str, pulumi.Output[str]]
    (
        "Zone (or, for an existing VPC, the label given or the id itself) -> private subnet id: "
        "a plain dict, for components that create one resource per subnet. Empty when an "
        "existing VPC's subnets were given as a single Output."
    )

    def __init__(self, name: str, args: StudioNetworkArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioNetwork, name, args, opts)


class StudioKeys(HostedComponent):
    """Customer-managed keys for a Studio setup, one per purpose or one shared."""

    key_arns: pulumi.Output[dict[str, str]]
    """Purpose -> key ARN, for every purpose."""

    def __init__(self, name: str, args: StudioKeysArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioKeys, name, args, opts)


class SecureBucketArgs(TypedDict):
    """Arguments of ``SecureBucket``."""

    bucket_name: NotRequired[str]
    """Physical name. Default: ``<resource name>-<random>``, chosen by the provider."""

    policy_statements: NotRequired[list[Any]]
    (
        "More bucket-policy statements (dicts, JSON strings, or Outputs of dicts, e.g. one "
        "naming a role created in the same program). ``{bucket_arn}`` inside a string is "
        "replaced by the bucket's ARN."
    )

    versioning: NotRequired[bool]
    (
        "Keep every version of every object (recovers overwrites and deletes).\n\n"
        "Default: ``true``."
    )

    noncurrent_version_days: NotRequired[int]
    (
        "Days a replaced or deleted version is kept.\n\n"
        "Default: ``90``."
    )

    access_logging: NotRequired[bool]
    (
        "Server access logs (who read or wrote what).\n\n"
        "Default: ``true``."
    )

    log_bucket_name: NotRequired[pulumi.Input[str]]
    """Existing bucket (name or Output) for access logs. Default: a log bucket is created."""

    log_retention_days: NotRequired[int]
    (
        "Days a created log bucket keeps access logs.\n\n"
        "Default: ``365``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Objects only through the VPC's S3 endpoints (``perimeter.bucket_statement``): applied "
        "when the program wires them in (``vpc_endpoint_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains with an S3 endpoint). False is the named opt-out.\n\n"
        "Default: ``true``."
    )

    perimeter_admin_arns: NotRequired[list[str]]
    (
        "IAM principals (role or user ARNs, ``*`` wildcards allowed) that may still read and "
        "write the objects from outside the VPC: the administrators who restore or audit data."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the buckets: data outlives the stack.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""

    kms_key_arn: pulumi.Input[str]
    """Customer-managed key for SSE-KMS (required)."""

    vpc_endpoint_ids: NotRequired[list[pulumi.Input[str]]]
    (
        "The VPC's S3 endpoints (gateway or interface): with ``network_perimeter``, the only "
        "way to the objects. Empty: no bucket perimeter."
    )


class SecureBucket(HostedComponent):
    """An S3 bucket encrypted with a CMK, TLS-only, private, versioned, logged and protected."""

    bucket_name: pulumi.Output[str]
    """The bucket's name (its id)."""

    bucket_arn: pulumi.Output[str]
    """The bucket's ARN, for policies that grant on it."""

    kms_key_arn: pulumi.Output[str]
    """The key of its default encryption: readers and writers need it too."""

    log_bucket_name: pulumi.Output[str]
    """Where its access logs go (None without access logging)."""

    def __init__(self, name: str, args: SecureBucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_SecureBucket, name, args, opts)


class PosixUser(TypedDict):
    """A Studio user's name and POSIX ids (derived from the name when not given)."""

    name: str
    """The user profile name: letters, digits and hyphens, at most 63 characters."""

    uid: NotRequired[int]
    """10000-4000000 (SageMaker's range). Default: derived from the name."""

    gid: NotRequired[int]
    """1001-4000000. Default: the uid (a private group per user)."""


class SharedFileSystemArgs(TypedDict):
    """Arguments of ``SharedFileSystem``."""

    users_root: NotRequired[str]
    (
        "Directory under which each user's directory is created (root-owned, 0755).\n\n"
        "Default: ``/users``."
    )

    removed_users: NotRequired[str]
    (
        "A removed user's directory: ``keep`` leaves it in place (re-adding the name gives it "
        "back); ``archive`` moves it to ``<archive_root>/<name>-<UTC time>`` when the user is "
        "removed, out of reach of everyone but an administrator, files and owners intact.\n\n"
        "One of: ``keep``, ``archive``.\n\n"
        "Default: ``keep``."
    )

    archive_root: NotRequired[str]
    (
        "Where archived directories go (made root-only, 0700); outside ``users_root``.\n\n"
        "Default: ``/archived-users``."
    )

    performance_mode: NotRequired[str]
    (
        "EFS performance mode; ``maxIO`` only for thousands of concurrent clients.\n\n"
        "One of: ``generalPurpose``, ``maxIO``.\n\n"
        "Default: ``generalPurpose``."
    )

    throughput_mode: NotRequired[str]
    (
        "``elastic`` scales with use; ``bursting`` earns credits with size.\n\n"
        "One of: ``elastic``, ``bursting``.\n\n"
        "Default: ``elastic``."
    )

    transition_to_ia: NotRequired[str]
    (
        "Move files not read for this long to Infrequent Access (back on first read); None "
        "keeps everything in Standard.\n\n"
        "One of: ``AFTER_1_DAY``, ``AFTER_7_DAYS``, ``AFTER_14_DAYS``, ``AFTER_30_DAYS``, "
        "``AFTER_60_DAYS``, ``AFTER_90_DAYS``, ``AFTER_180_DAYS``, ``AFTER_270_DAYS``, "
        "``AFTER_365_DAYS``.\n\n"
        "Default: ``AFTER_30_DAYS``."
    )

    backups: NotRequired[bool]
    (
        "AWS Backup's daily automatic backups.\n\n"
        "Default: ``true``."
    )

    allow_root_access: NotRequired[bool]
    (
        "Let every client act as root on the file system (``ClientRootAccess``). The directory "
        "provisioner may, through its own access point, regardless.\n\n"
        "Default: ``false``."
    )

    require_tls: NotRequired[bool]
    (
        "Deny clients that do not mount with TLS. AWS does not document whether Studio mounts "
        "with TLS (``STUDIO_TLS_PAGES``, which also says why the default keeps the deny); False "
        "is the opt-out if Studio's apps cannot mount, reported by "
        "``efs-deny-insecure-transport``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the file system.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on every taggable child; each child's ``Name`` wins."""

    vpc_id: pulumi.Input[str]
    """VPC of the mount targets (for their security group)."""

    subnet_ids: dict[str, pulumi.Input[str]]
    (
        "Subnets that get a mount target: give every subnet of the domain. A list of subnet ids "
        "or Outputs of them (``aws.ec2.Subnet(...).id``), or ``{label: id}`` (e.g. zone -> id); "
        "the id or label names the mount target, so it stays put when others are added (an "
        "Output in a list is labelled by its place among the Outputs: ``subnet_labels``)."
    )

    studio_security_group_id: pulumi.Input[str]
    """The Studio apps' security group (id or Output): the only source of NFS traffic."""

    kms_key_arn: pulumi.Input[str]
    """Customer-managed key that encrypts the file system (required)."""

    users: NotRequired[list[PosixUser]]
    (
        "One directory per user, ``<users_root>/<name>``, owned by that user's uid/gid with "
        "mode 0750, created at deploy time (and again when users are added)."
    )


class SharedFileSystem(HostedComponent):
    """An encrypted, TLS-only EFS file system shared by Studio users, a directory each."""

    file_system_id: pulumi.Output[str]
    """The file system (``fs-…``): what a profile's ``FileSystemId`` names."""

    file_system_arn: pulumi.Output[str]
    """Its ARN, for IAM and file-system policies."""

    security_group_id: pulumi.Output[str]
    """The mount targets' security group (NFS from the Studio apps only)."""

    mount_target_ids: pulumi.Output[dict[str, str]]
    """Subnet label -> mount target id: one in every subnet given."""

    user_directories: dict[str, str]
    """User name -> their directory: the ``FileSystemPath`` to give their profile."""

    def __init__(self, name: str, args: SharedFileSystemArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_SharedFileSystem, name, args, opts)


class ImageRepositoryArgs(TypedDict):
    """Arguments of ``ImageRepository``."""

    name: str
    """Repository name; lower-cased, then checked against ECR's rule (``team/image`` works)."""

    pull_role_arns: NotRequired[list[pulumi.Input[str]]]
    """Roles (ARNs or Outputs) that may pull, besides SageMaker itself."""

    untagged_expire_days: NotRequired[int]
    (
        "Days before an untagged image (a tag moved away, a failed push) is deleted.\n\n"
        "Default: ``7``."
    )

    keep_last: NotRequired[int]
    (
        "How many images to keep at most; older ones expire.\n\n"
        "Default: ``30``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the repository (deleting it deletes images).\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the repository; its ``Name`` wins."""

    kms_key_arn: pulumi.Input[str]
    """Customer-managed key that encrypts the images (required)."""


class ImageRepository(HostedComponent):
    """A KMS-encrypted, scanned, immutable-tag ECR repository that SageMaker can pull from."""

    repository_name: pulumi.Output[str]
    """The repository's name, as ``docker push`` and image URIs use it."""

    repository_arn: pulumi.Output[str]
    """The repository's ARN, for execution roles that pull from it."""

    repository_url: pulumi.Output[str]
    """``<account>.dkr.ecr.<region>.<suffix>/<name>``: where images are pushed."""

    registry_id: pulumi.Output[str]
    """The account id of the registry (ECR credentials are per registry)."""

    kms_key_arn: pulumi.Output[str]
    """The key that encrypts the images: who pulls needs ``kms:Decrypt`` on it."""

    def __init__(self, name: str, args: ImageRepositoryArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_ImageRepository, name, args, opts)


class CustomImageArgs(TypedDict):
    """Arguments of ``CustomImage``: the image, and where its container comes from."""

    image_name: str
    (
        "SageMaker image name users pick in Studio: letters, digits and '-', up to 63 "
        "characters. AWS's API also allows '.', but the AWS provider refuses it (its "
        "``image.go``), so a dotted name would fail at preview."
    )

    display_name: NotRequired[str]
    """The name Studio shows in its image picker. Default: the image name."""

    description: NotRequired[str]
    """What the image is for, shown beside it in Studio."""

    app_type: NotRequired[str]
    (
        "The app that runs the image: ``JupyterLab`` and ``CodeEditor`` (Studio) or "
        "``KernelGateway`` (Studio Classic).\n\n"
        "One of: ``JupyterLab``, ``KernelGateway``, ``CodeEditor``.\n\n"
        "Default: ``JupyterLab``."
    )

    image_uri: NotRequired[pulumi.Input[str]]
    """An existing container, ``<registry>/<repo>:<tag>`` or ``…@sha256:<digest>``."""

    build: NotRequired[ImageBuild]
    """Build this context and push it to ``repository`` instead of using ``image_uri``."""

    kernel_specs: NotRequired[list[KernelSpec]]
    (
        "Kernels in a KernelGateway image (at least one). Not for JupyterLab or Code Editor, "
        "whose kernels the app finds itself."
    )

    container_entrypoint: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: the command that starts the app. Default for JupyterLab: "
        "``jupyter-lab``; a Code Editor image has no default and needs one."
    )

    container_arguments: NotRequired[list[str]]
    (
        "JupyterLab and Code Editor: its arguments. Default for JupyterLab: port 8888, base URL "
        "``/jupyterlab/default``, no token (``JUPYTERLAB_ARGUMENTS``)."
    )

    container_environment: NotRequired[dict[str, str]]
    """JupyterLab and Code Editor: environment variables of the app."""

    mount_path: NotRequired[str]
    (
        "KernelGateway: where the user's home file system is mounted. JupyterLab and Code "
        "Editor always use /home/sagemaker-user.\n\n"
        "Default: ``/home/sagemaker-user``."
    )

    uid: NotRequired[int]
    (
        "KernelGateway: the user the app runs as (1000 or 0). JupyterLab and Code Editor run as "
        "1000.\n\n"
        "Default: ``1000``."
    )

    gid: NotRequired[int]
    (
        "KernelGateway: the app's group (100 or 0). JupyterLab and Code Editor run as 100.\n\n"
        "Default: ``100``."
    )

    role_arn: NotRequired[pulumi.Input[str]]
    (
        "Existing role SageMaker uses to read the image. Default: a role is created that may "
        "pull from this image's repository only."
    )

    ecr_kms_key_arn: NotRequired[pulumi.Input[str]]
    """Key of the repository, for the created role (default: the repository's)."""

    tags: NotRequired[dict[str, str]]
    """Tags on the image, its config and its role; each one's ``Name`` wins."""


class CustomImage(HostedComponent):
    (
        "A SageMaker image, its version, its app image config and the role, from one spec.\n\n"
        "Outputs for Python programs only (other components, Python objects): ``attachment``."
    )

    image_name: pulumi.Output[str]
    """The SageMaker image's name, as users see it in Studio."""

    image_arn: pulumi.Output[str]
    """The SageMaker image's ARN."""

    app_image_config_name: pulumi.Output[str]
    """The app image config that tells Studio how to start the image."""

    version: pulumi.Output[int]
    """The image version this deployment created (SageMaker numbers them from 1)."""

    base_image: pulumi.Output[str]
    """The container the version points at: ``<repository>@sha256:<digest>`` when built."""

    def __init__(self, name: str, args: CustomImageArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_CustomImage, name, args, opts)


class StudioDomainArgs(TypedDict):
    """Arguments of ``StudioDomain``."""

    auth_mode: NotRequired[str]
    (
        "``IAM`` (presigned URLs) or ``SSO`` (IAM Identity Center; users need "
        "``sso_user_name``).\n\n"
        "One of: ``IAM``, ``SSO``.\n\n"
        "Default: ``IAM``."
    )

    allow_public_internet: NotRequired[bool]
    (
        "Opt-out: ``PublicInternetOnly``, apps reach the internet directly, not through the "
        "VPC. Less safe: traffic bypasses VPC endpoints, flow logs and network controls.\n\n"
        "Default: ``false``."
    )

    sharing_prefix: NotRequired[str]
    (
        "Where shared notebooks go in the sharing bucket.\n\n"
        "Default: ``sharing/``."
    )

    default_instance_type: NotRequired[str]
    (
        "Instance type apps start on unless the user picks another.\n\n"
        "Default: ``ml.t3.medium``."
    )

    idle_timeout_minutes: NotRequired[int]
    (
        "JupyterLab and Code Editor apps stop after this long idle (60-525600).\n\n"
        "Default: ``60``."
    )

    lifecycle_config_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Lifecycle configurations made elsewhere, offered in JupyterLab (``LifecycleConfigs`` "
        "makes them from scripts: ``lifecycle_configs``)."
    )

    space_storage: NotRequired[SpaceStorage]
    """Each space's EBS volume: 5 GB to start, 100 GB at most unless changed."""

    trusted_identity_propagation: NotRequired[bool]
    (
        "With ``SSO``: the user's Identity Center identity travels to the AWS services Studio "
        "calls for them (``DomainSettings.TrustedIdentityPropagationSettings``).\n\n"
        "Default: ``false``."
    )

    tag_propagation: NotRequired[bool]
    (
        "Tags of the domain, profiles and spaces are copied to the apps and volumes SageMaker "
        "creates for them, so cost reports can group by user and team.\n\n"
        "Default: ``true``."
    )

    classic_apps: NotRequired[bool]
    (
        "Show Studio Classic's apps (JupyterServer, KernelGateway) in Studio. Classic takes no "
        "new onboarding since 2023-11-30; they stay hidden unless asked for (KernelGateway "
        "images or a user's default JupyterServer app ask for them)."
    )

    home_efs_retention: NotRequired[str]
    (
        "What happens to the home EFS when the domain is deleted. ``Retain`` keeps user data.\n\n"
        "One of: ``Retain``, ``Delete``.\n\n"
        "Default: ``Retain``."
    )

    protect_data: NotRequired[bool]
    (
        "``protect`` and ``retain_on_delete`` on the domain.\n\n"
        "Default: ``true``."
    )

    cleanup_on_destroy: NotRequired[bool]
    (
        "Add ``StudioNetworkCleanup``: on ``pulumi destroy``, after the domain, it removes the "
        "NFS security groups, network interfaces (and home EFS, with retention ``Delete``) that "
        "SageMaker created and that would block deleting the subnets and VPC.\n\n"
        "Default: ``true``."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the domain; its ``Name`` wins."""

    docker: NotRequired[DockerAccess]
    (
        "Docker in spaces (``DockerSettings``): disabled unless ``enabled``; enabled in a "
        "``VpcOnly`` domain it names ``trusted_accounts``."
    )

    portal: NotRequired[StudioPortal]
    (
        "What the Studio web portal hides from every user (``StudioWebPortalSettings``: app "
        "types, ML tools, instance types); nothing but Studio Classic's apps by default."
    )

    canvas: NotRequired[CanvasSettings]
    (
        "SageMaker Canvas (``CanvasAppSettings``): its workspace in the library's encrypted "
        "bucket (or a path and key given), Kendra, direct deploy, forecasting and model "
        "registration off unless asked. None: no Canvas settings are sent."
    )

    domain_name: str
    (
        "Domain name (letters, digits, hyphens; 63 characters at most). Changing it replaces "
        "the domain."
    )

    vpc_id: pulumi.Input[str]
    """The VPC of the apps' network interfaces."""

    subnet_ids: pulumi.Input[list[pulumi.Input[str]]]
    (
        "Private subnets for the apps' network interfaces (a list, a ``{label: id}`` mapping or "
        "an Output of a list)."
    )

    security_group_id: pulumi.Input[str]
    """The Studio security group (NFS and app ports within itself)."""

    kms_key_arn: pulumi.Input[str]
    """The domain key: encrypts the home EFS and the apps' EBS volumes."""

    execution_role_arn: pulumi.Input[str]
    """Default execution role of users and spaces."""

    sharing_bucket_name: NotRequired[pulumi.Input[str]]
    """Bucket for shared notebooks. None disables notebook sharing."""

    sharing_kms_key_arn: NotRequired[pulumi.Input[str]]
    """Key of shared notebook output (required with a sharing bucket)."""

    sso_groups: NotRequired[list[str]]
    (
        "With ``SSO``: IAM Identity Center groups (display names) assigned to the domain's "
        "application, so the Studio tile shows in their members' portal."
    )


class StudioDomain(HostedComponent):
    (
        "A SageMaker Studio domain with hardened defaults for every user.\n\n"
        "Outputs for Python programs only (other components, Python objects): ``membership``."
    )

    domain_id: pulumi.Output[str]
    """The domain's id (``d-…``)."""

    domain_arn: pulumi.Output[str]
    """The domain's ARN."""

    url: pulumi.Output[str]
    """The domain's Studio URL (IAM users open it through a presigned URL)."""

    home_efs_file_system_id: pulumi.Output[str]
    """The home EFS SageMaker created: every user's private spaces' files."""

    region: str
    """The region the domain is in (for the cleanup that runs on destroy)."""

    def __init__(self, name: str, args: StudioDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioDomain, name, args, opts)


class FileSystemMount(TypedDict):
    (
        "One EFS directory a user's spaces mount: \"permitted users can access only this "
        "directory and below\" (Studio's ``EFSFileSystemConfig``)."
    )

    file_system_id: pulumi.Input[str]
    """The file system (``fs-…`` or an Output)."""

    path: str
    """The directory, e.g. ``/users/alice``: it must exist, owned by the user's uid/gid."""


class StudioUserArgs(TypedDict):
    """Arguments of ``StudioUser``."""

    domain: StudioDomain
    (
        "The domain the user belongs to: ``StudioDomain.membership``.\n\n"
        "In other languages: the ``StudioDomain`` resource itself, built in the same program (a "
        "resource reference)."
    )

    user: PosixUser
    """Name (the profile name) and POSIX ids (explicit, or derived from the name)."""

    execution_role_arn: NotRequired[pulumi.Input[str]]
    """The user's own execution role. Default: the domain's."""

    private_space: NotRequired[str]
    (
        "A private space of this app type made for the user (``<name>-<app>``), owned by their "
        "profile; None: the user makes their own in Studio.\n\n"
        "One of: ``JupyterLab``, ``CodeEditor``."
    )

    sharing: NotRequired[bool]
    (
        "Notebook sharing as the domain sets it; False disables it for this user.\n\n"
        "Default: ``true``."
    )

    default_app: NotRequired[bool]
    """Start the user's default JupyterServer app (Studio Classic) at deploy time."""

    sso_user_name: NotRequired[str]
    """IAM Identity Center user name (required when the domain uses SSO)."""

    file_systems: NotRequired[list[FileSystemMount]]
    (
        "EFS directories attached to the user's private spaces, each mounted at its path as the "
        "user's uid/gid (``SharedFileSystem.user_directories`` gives each user theirs)."
    )

    security_group_ids: NotRequired[list[pulumi.Input[str]]]
    (
        "Security groups of this user's alone, added to the domain's (botocore's "
        "``UserSettings``: \"SecurityGroups is aggregated when specified in both calls\"): e.g. "
        "the group that alone reaches the user's file system."
    )

    tags: NotRequired[dict[str, str]]
    """Tags on the profile (and its default app); each one's ``Name`` wins."""


class StudioUser(HostedComponent):
    """One Studio user profile (and, on request, its default app)."""

    user_profile_name: pulumi.Output[str]
    """The profile's name: the user's name."""

    user_profile_arn: pulumi.Output[str]
    """The profile's ARN, for policies naming this user alone."""

    uid: int
    """The user's POSIX uid on every file system the domain's users share."""

    space_name: str
    """The user's private space made here (None without ``private_space``)."""

    gid: int
    """The user's POSIX gid."""

    def __init__(self, name: str, args: StudioUserArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_StudioUser, name, args, opts)


COMPONENTS: list[type[HostedComponent]] = [
    Studio,
    StudioNetwork,
    StudioKeys,
    SecureBucket,
    SharedFileSystem,
    ImageRepository,
    CustomImage,
    StudioDomain,
    StudioUser,
]
"""The components the provider serves."""
