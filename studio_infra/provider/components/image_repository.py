"""The hosted component ``ImageRepository``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.ecr import ImageRepository as _ImageRepository
from studio_infra.provider.components.args.image_repository_args import ImageRepositoryArgs
from studio_infra.provider.hosting import HostedComponent


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
