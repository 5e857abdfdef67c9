"""The hosted component ``SharedFileSystem``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.efs import SharedFileSystem as _SharedFileSystem
from studio_infra.provider.components.args.shared_file_system_args import SharedFileSystemArgs
from studio_infra.provider.hosting import HostedComponent


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
