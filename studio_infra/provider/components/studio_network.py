"""The hosted component ``StudioNetwork``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

import pulumi

from studio_infra.network import StudioNetwork as _StudioNetwork
from studio_infra.provider.components.args.studio_network_args import StudioNetworkArgs
from studio_infra.provider.hosting import HostedComponent


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

    team_security_group_ids: dict[str, pulumi.Output[str]]
    (
        "Team -> its own apps group (``team_apps_groups``): a plain dict, for the team's "
        "domain; empty when every app shares ``studio_security_group_id``."
    )

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
