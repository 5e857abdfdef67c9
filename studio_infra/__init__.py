"""studio-infra: secure-by-default Amazon SageMaker Studio on Pulumi.

The components are importable from here (``from studio_infra import Studio``) or from their
modules. They load on first use, so the command-line tool starts without importing the AWS
provider SDK when it does not need it.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Studio": "studio_infra.studio",
    "StudioConfig": "studio_infra.studio",
    "StudioNetwork": "studio_infra.network",
    "StudioNetworkArgs": "studio_infra.network",
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
    "StudioInfraError": "studio_infra.errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'studio_infra' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
