"""The hosted component ``StudioDomain``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.domain import StudioDomain as _StudioDomain
from studio_infra.provider.components.args.studio_domain_args import StudioDomainArgs
from studio_infra.provider.hosting import HostedComponent


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
