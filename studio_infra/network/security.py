"""The Studio apps' security-group rules, decided apart from registering them.

Studio's apps talk to each other and to EFS inside one security group: NFS on 2049 and the
JupyterServer <-> KernelGateway ports 8192-65535 ("Connect Studio notebooks in a VPC to
external resources",
https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html).
Which rules exist depends only on whether the apps have an internet path, so the list is
plain data here: the layout (``studio_infra.network.layout``) names one resource per rule
from it, and the component binds each rule's peer to the groups it registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:  # only for annotations: deciding the rules needs no Pulumi
    import pulumi

NFS_PORT = 2049
APP_PORTS = (8192, 65535)
"""JupyterServer <-> KernelGateway traffic inside the Studio security group."""
HTTPS_PORT = 443

PeerRole = Literal["self", "endpoints", "anywhere"]
"""Who a rule admits or reaches: the apps' own group, the endpoints' group, or any address."""


PeerT = TypeVar("PeerT")


@dataclass(frozen=True)
class AppRule(Generic[PeerT]):
    """One rule of the apps' security group: decided with its peer named by role
    (``AppRuleSpec``), registered with it bound to a group or block (``app_rules``)."""

    suffix: str
    """What names the rule's resource (``<network>-apps-<suffix>``)."""
    egress: bool
    protocol: str
    ports: tuple[int, int] | None
    peer: PeerT
    description: str


AppRuleSpec = AppRule[PeerRole]
"""One rule of the apps' security group, its peer named by role."""


_NFS = (NFS_PORT, NFS_PORT)
_WITHIN_GROUP = (
    AppRuleSpec("nfs-from-self", False, "tcp", _NFS, "self", "NFS between Studio apps and EFS"),
    AppRuleSpec("apps-from-self", False, "tcp", APP_PORTS, "self",
                "JupyterServer and KernelGateway apps"),
)
_RESTRICTED_EGRESS = (
    AppRuleSpec("nfs-to-self", True, "tcp", _NFS, "self", "NFS between Studio apps and EFS"),
    AppRuleSpec("apps-to-self", True, "tcp", APP_PORTS, "self",
                "JupyterServer and KernelGateway apps"),
    AppRuleSpec("https-to-endpoints", True, "tcp", (HTTPS_PORT, HTTPS_PORT), "endpoints",
                "AWS APIs via VPC endpoints"),
)
_OPEN_EGRESS = (
    AppRuleSpec("all-egress", True, "-1", None, "anywhere",
                "Outbound through NAT or the VPC routes"),
)


def app_rule_specs(*, restricted_egress: bool) -> tuple[AppRuleSpec, ...]:
    """The apps' rules: NFS and the app ports within the group; out, either everything
    (through NAT or the VPC's routes) or, with no internet path, only NFS, the app ports and
    HTTPS to the endpoints (the S3 prefix list is added with its gateway)."""
    return (*_WITHIN_GROUP, *(_RESTRICTED_EGRESS if restricted_egress else _OPEN_EGRESS))


@dataclass(frozen=True)
class _Peer:
    """The other side of a security-group rule: one group, address block or prefix list."""

    group: pulumi.Input[str] | None = None
    cidr: str | None = None
    prefix_list: pulumi.Input[str] | None = None


def app_rules(studio: pulumi.Input[str], endpoints: pulumi.Input[str], *,
              restricted_egress: bool) -> list[AppRule[_Peer]]:
    """``app_rule_specs`` with each peer bound: ``studio`` is the apps' group, ``endpoints``
    the interface endpoints' group."""
    peers = {"self": _Peer(group=studio), "endpoints": _Peer(group=endpoints),
             "anywhere": _Peer(cidr="0.0.0.0/0")}
    return [AppRule(spec.suffix, spec.egress, spec.protocol, spec.ports, peers[spec.peer],
                    spec.description)
            for spec in app_rule_specs(restricted_egress=restricted_egress)]
