"""studio-infra: secure-by-default Amazon SageMaker Studio on Pulumi.

The components are importable from here (``from studio_infra import Studio``) or from their
modules. They load on first use, so the command-line tool starts without importing the AWS
provider SDK when it does not need it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from studio_infra._version import __version__ as __version__

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads the same names
    from studio_infra.access import StudioAccessPolicy as StudioAccessPolicy
    from studio_infra.access import StudioAccessPolicyArgs as StudioAccessPolicyArgs
    from studio_infra.domain import StudioDomain as StudioDomain
    from studio_infra.domain import StudioDomainArgs as StudioDomainArgs
    from studio_infra.ecr import ImageRepository as ImageRepository
    from studio_infra.ecr import ImageRepositoryArgs as ImageRepositoryArgs
    from studio_infra.ecr import RepositorySettings as RepositorySettings
    from studio_infra.efs import SharedFileSystem as SharedFileSystem
    from studio_infra.efs import SharedFileSystemArgs as SharedFileSystemArgs
    from studio_infra.errors import StudioInfraError as StudioInfraError
    from studio_infra.images import CustomImage as CustomImage
    from studio_infra.images import CustomImageArgs as CustomImageArgs
    from studio_infra.images import ImageSpec as ImageSpec
    from studio_infra.kms import StudioKeys as StudioKeys
    from studio_infra.kms import StudioKeysArgs as StudioKeysArgs
    from studio_infra.lifecycle import LifecycleScript as LifecycleScript
    from studio_infra.mlflow import MlflowSettings as MlflowSettings
    from studio_infra.mlflow import TrackingServer as TrackingServer
    from studio_infra.mlflow import TrackingServerArgs as TrackingServerArgs
    from studio_infra.network import ExistingNetwork as ExistingNetwork
    from studio_infra.network import StudioNetwork as StudioNetwork
    from studio_infra.network import StudioNetworkArgs as StudioNetworkArgs
    from studio_infra.packages import PackageMirror as PackageMirror
    from studio_infra.packages import PackageMirrorArgs as PackageMirrorArgs
    from studio_infra.packages import PackageMirrorSettings as PackageMirrorSettings
    from studio_infra.roles import RoleSettings as RoleSettings
    from studio_infra.roles import StudioExecutionRole as StudioExecutionRole
    from studio_infra.roles import StudioExecutionRoleArgs as StudioExecutionRoleArgs
    from studio_infra.s3 import BucketSettings as BucketSettings
    from studio_infra.s3 import SecureBucket as SecureBucket
    from studio_infra.s3 import SecureBucketArgs as SecureBucketArgs
    from studio_infra.studio import DomainConfig as DomainConfig
    from studio_infra.studio import FilesConfig as FilesConfig
    from studio_infra.studio import Studio as Studio
    from studio_infra.studio import StudioConfig as StudioConfig
    from studio_infra.studio import TeamConfig as TeamConfig
    from studio_infra.studio import UserConfig as UserConfig
    from studio_infra.users import StudioUser as StudioUser
    from studio_infra.users import StudioUserArgs as StudioUserArgs

_EXPORTS = {
    "Studio": "studio_infra.studio",
    "StudioConfig": "studio_infra.studio",
    # The models of the ``studio:`` configuration (``StudioConfig``'s sections), for typed
    # programs: ``Studio("s", StudioConfig(users=[UserConfig(name="alice")]))``.
    "UserConfig": "studio_infra.studio",
    "TeamConfig": "studio_infra.studio",
    "FilesConfig": "studio_infra.studio",
    "DomainConfig": "studio_infra.studio",
    "RoleSettings": "studio_infra.roles",
    "BucketSettings": "studio_infra.s3",
    "RepositorySettings": "studio_infra.ecr",
    "ImageSpec": "studio_infra.images",
    "LifecycleScript": "studio_infra.lifecycle",
    "MlflowSettings": "studio_infra.mlflow",
    "PackageMirrorSettings": "studio_infra.packages",
    "StudioNetwork": "studio_infra.network",
    "StudioNetworkArgs": "studio_infra.network",
    "PackageMirror": "studio_infra.packages",
    "PackageMirrorArgs": "studio_infra.packages",
    "ExistingNetwork": "studio_infra.network",
    "StudioKeys": "studio_infra.kms",
    "StudioKeysArgs": "studio_infra.kms",
    "SecureBucket": "studio_infra.s3",
    "SecureBucketArgs": "studio_infra.s3",
    "SharedFileSystem": "studio_infra.efs",
    "SharedFileSystemArgs": "studio_infra.efs",
    "ImageRepository": "studio_infra.ecr",
    "ImageRepositoryArgs": "studio_infra.ecr",
    "CustomImage": "studio_infra.images",
    "CustomImageArgs": "studio_infra.images",
    "StudioExecutionRole": "studio_infra.roles",
    "StudioExecutionRoleArgs": "studio_infra.roles",
    "StudioDomain": "studio_infra.domain",
    "StudioDomainArgs": "studio_infra.domain",
    "StudioUser": "studio_infra.users",
    "StudioUserArgs": "studio_infra.users",
    "StudioAccessPolicy": "studio_infra.access",
    "StudioAccessPolicyArgs": "studio_infra.access",
    "TrackingServer": "studio_infra.mlflow",
    "TrackingServerArgs": "studio_infra.mlflow",
    "StudioInfraError": "studio_infra.errors",
}

__all__ = [*_EXPORTS, "__version__"]


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt import is an error there

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'studio_infra' has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)
