"""Where a request comes from, as IAM sees it: the network condition keys of a call made from a
user's app, or by SageMaker from its own network.

The Studio-needs model judges each call with the keys AWS documents for its path
(``perimeter.CONDITION_KEYS_PAGE``): a call through a VPC endpoint carries ``aws:SourceVpc``
and ``aws:SourceVpce`` and no ``aws:SourceIp``; a call leaving through a NAT carries the NAT's
public address as ``aws:SourceIp`` and no VPC keys; a call SageMaker makes from its own network
carries none of the three that the plan could name (its address is AWS's, not one of ours).

* from an app of a ``VpcOnly`` domain: "All traffic is through the specified VPC and subnets"
  (botocore, ``AppNetworkAccessType``): the endpoint of the call's service in the domain's
  VPC if the plan has one, else the VPC's NAT, else nothing (no route; the network needs
  report that); where the stack shows neither endpoints nor a NAT in the VPC (the live
  audit reads neither), the VPC and "some endpoint of it": a condition on which endpoint
  cannot be decided, and says so;
* from an app of a ``PublicInternetOnly`` domain: through "a VPC managed by SageMaker",
  outside the plan: no keys;
* from SageMaker itself (the Studio UI, image pulls, job logs; ``perimeter.SAGEMAKER_CALLS``):
  no keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from studio_infra.judges.iam_eval import OneOf
from studio_infra.resource_types import EC2_EIP, EC2_NAT_GATEWAY, EC2_SUBNET, EC2_VPC_ENDPOINT
from studio_infra.snapshot import Resource, Stack

SERVICE_ENDPOINTS = {"sagemaker": "sagemaker.api", "ecr": "ecr.api",
                     "sagemaker-mlflow": "sagemaker.experiments"}
"""The endpoint a service prefix's API calls go through, where it is not the prefix itself
(MLflow's calls go through SageMaker's experiments endpoint: ``network/endpoints.py``)."""


@dataclass(frozen=True)
class AppNetwork:
    """The network a domain's apps call AWS from, as far as the plan shows it."""

    vpc: str | None = None
    """The domain's VPC when its apps' traffic goes through it (``VpcOnly``); else None."""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Endpoint id by service short name (``s3``, ``sagemaker.api``) in that VPC."""
    nat_ips: tuple[str, ...] = ()
    """Public addresses of NAT gateways in that VPC."""
    shown: bool = True
    """Whether the stack shows how the VPC reaches AWS at all (an endpoint or a NAT in it).
    The live audit reads neither: there a call is known to come from the VPC, through an
    endpoint it does not name."""

    def context(self, action: str) -> dict[str, Any]:
        """The network keys of ``action`` called from an app."""
        if self.vpc is None:
            return {}
        prefix = action.split(":", 1)[0].lower()
        endpoint = self.endpoints.get(SERVICE_ENDPOINTS.get(prefix, prefix)) or next(
            (ident for short, ident in sorted(self.endpoints.items())
             if short.startswith(f"{prefix}.")), None)  # codeartifact.api, .repositories
        if endpoint is not None:
            return {"aws:SourceVpc": self.vpc, "aws:SourceVpce": endpoint}
        if self.nat_ips:
            return {"aws:SourceIp": self.nat_ips[0]}
        if not self.shown:
            return {"aws:SourceVpc": self.vpc, "aws:SourceVpce": OneOf("vpce-*")}
        return {}


def app_network(domain: Resource, stack: Stack, region: str) -> AppNetwork:
    """Where the apps of ``domain`` (in ``region``) call from (an unknown VPC id counts as
    none known)."""
    vpc = domain.get("vpcId")
    if domain.get("appNetworkAccessType", "PublicInternetOnly") != "VpcOnly" or \
            not isinstance(vpc, str):
        return AppNetwork()
    endpoints: dict[str, str] = {}
    for endpoint in stack.of_type(EC2_VPC_ENDPOINT):
        name, ident = endpoint.get("serviceName"), endpoint.get("id")
        if endpoint.get("vpcId") != vpc or not isinstance(name, str) or \
                not isinstance(ident, str) or f".{region}." not in name:
            continue
        endpoints.setdefault(name.split(f".{region}.", 1)[1], ident)
    addresses = {ident: eip.get("publicIp") for eip in stack.of_type(EC2_EIP)
                 for ident in eip.identifiers}
    subnets = {ident: subnet.get("vpcId") for subnet in stack.of_type(EC2_SUBNET)
               for ident in subnet.identifiers}
    nat_ips = tuple(sorted(
        str(addresses[nat.get("allocationId")]) for nat in stack.of_type(EC2_NAT_GATEWAY)
        if subnets.get(nat.get("subnetId")) == vpc
        and isinstance(addresses.get(nat.get("allocationId")), str)))
    return AppNetwork(vpc, endpoints, nat_ips, shown=bool(endpoints or nat_ips))
