"""The provider's hosted components: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from studio_infra.domain import StudioDomain as _StudioDomain
from studio_infra.ecr import ImageRepository as _ImageRepository
from studio_infra.efs import SharedFileSystem as _SharedFileSystem
from studio_infra.images import CustomImage as _CustomImage
from studio_infra.kms import StudioKeys as _StudioKeys
from studio_infra.network import StudioNetwork as _StudioNetwork
from studio_infra.provider.components.custom_image import CustomImage
from studio_infra.provider.components.image_repository import ImageRepository
from studio_infra.provider.components.secure_bucket import SecureBucket
from studio_infra.provider.components.shared_file_system import SharedFileSystem
from studio_infra.provider.components.studio import Studio
from studio_infra.provider.components.studio_domain import StudioDomain
from studio_infra.provider.components.studio_keys import StudioKeys
from studio_infra.provider.components.studio_network import StudioNetwork
from studio_infra.provider.components.studio_user import StudioUser
from studio_infra.provider.hosting import HostedComponent
from studio_infra.s3 import SecureBucket as _SecureBucket
from studio_infra.studio import Studio as _Studio
from studio_infra.users import StudioUser as _StudioUser

__all__ = [
    "COMPONENTS",
    "CustomImage",
    "ImageRepository",
    "SecureBucket",
    "SharedFileSystem",
    "Studio",
    "StudioDomain",
    "StudioKeys",
    "StudioNetwork",
    "StudioUser",
    "_CustomImage",
    "_ImageRepository",
    "_SecureBucket",
    "_SharedFileSystem",
    "_Studio",
    "_StudioDomain",
    "_StudioKeys",
    "_StudioNetwork",
    "_StudioUser",
]

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
