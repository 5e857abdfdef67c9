"""Network: from the domain's subnets and security groups, the apps reach what Studio needs.

In ``VpcOnly`` the apps have no other way out: each interface endpoint Studio needs (or a NAT
route), S3 (a gateway endpoint on the subnets' route tables, an interface endpoint or NAT),
every attached EFS's mount targets, and the app ports among the apps. Each path is decided
with ``reachability.allows``; what the plan cannot show is reported as cannot-check unless a
real problem is found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from studio_infra.judges import package_needs
from studio_infra.judges.iam_eval import Decision, Request, evaluate
from studio_infra.judges.studio_needs.catalog import _message
from studio_infra.judges.studio_needs.reachability import (
    INTERNET,
    Place,
    SgRule,
    _cidr_covers,
    _covers,
    _rules,
    _subnet_cidrs,
    allows,
)
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.view import DomainView, Profile
from studio_infra.resource_types import (
    EC2_MAIN_ROUTE_TABLE_ASSOCIATION,
    EC2_ROUTE,
    EC2_ROUTE_TABLE,
    EC2_ROUTE_TABLE_ASSOCIATION,
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    EC2_VPC,
    EC2_VPC_ENDPOINT,
    EC2_VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
    EFS_MOUNT_TARGET,
    VPC_SECURITY_GROUP_VPC_ASSOCIATION,
)
from studio_infra.snapshot import CannotCheck, Problem, Resource, Stack, known

REQUIRED_ENDPOINTS = ("sagemaker.api", "sagemaker.runtime", "sts", "logs")
"""What ``api-endpoints`` asks for: the SageMaker API and runtime (the page's list) and STS
and CloudWatch Logs ("If you use the SageMaker Python SDK to run remote training jobs")."""
APP_PORTS = (8192, 65535)
NFS = 2049
HTTPS = 443


def _route_tables(stack: Stack, subnet_ids: list[Any]) -> list[str] | None:
    """Each domain subnet's route table: its explicit association, else its VPC's main table;
    None when the plan holds neither (a network built elsewhere)."""
    tables: list[str] = []
    for subnet_id in subnet_ids:
        association = next((a for a in stack.of_type(EC2_ROUTE_TABLE_ASSOCIATION)
                            if a.get("subnetId") == subnet_id), None)
        if association is not None:
            tables.append(association.get("routeTableId"))
            continue
        subnet = find(stack, subnet_id, EC2_SUBNET)
        vpc = find(stack, subnet.get("vpcId"), EC2_VPC) if subnet is not None else None
        if vpc is None:
            return None
        main = next((m.get("routeTableId") for m in stack.of_type(EC2_MAIN_ROUTE_TABLE_ASSOCIATION)
                     if m.get("vpcId") == vpc.get("id")), None)
        tables.append(main or vpc.get("defaultRouteTableId") or vpc.get("mainRouteTableId"))
    return tables


def _nat_routes(stack: Stack, tables: list[str] | None) -> bool | None:
    """Whether every domain subnet routes 0.0.0.0/0 to a NAT gateway; None if unknown."""
    if tables is None:
        return None
    for table in tables:
        routes = [r for r in stack.of_type(EC2_ROUTE) if r.get("routeTableId") == table]
        inline = find(stack, table, EC2_ROUTE_TABLE)
        inline_routes = (inline.get("routes") or []) if inline is not None else []
        if not any((r.get("destinationCidrBlock") == "0.0.0.0/0" and r.get("natGatewayId"))
                   for r in [*(x.props for x in routes), *inline_routes]):
            return False
    return True


class _Unknown(Exception):
    """A path the plan cannot show: reported as cannot-check unless a real problem is found."""


def network_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Each distinct set of the apps' security groups (the domain's default ones and a
    profile's own) is judged from the domain's subnets. Problems found are reported; when none is
    and something could not be seen, the check cannot be made (never a silent pass)."""
    domain = view.domain
    subnets = domain.known("subnetIds", "the subnets", [])
    vpc = domain.known("vpcId", "the VPC")
    default_groups = known(domain.get("defaultUserSettings.securityGroups", []), "groups") or \
        known(domain.get("domainSettings.securityGroupIds", []), "groups")
    # botocore's UserSettings: "SecurityGroups is aggregated when specified in both calls".
    group_sets = {tuple(sorted({*default_groups, *p.own_security_groups}))
                  for p in view.profiles} or {tuple(sorted(set(default_groups)))}
    problems = list(_same_vpc(stack, view, vpc, subnets))
    unknown: list[str] = []
    tables = _route_tables(stack, subnets)
    nat = _nat_routes(stack, tables)
    endpoints = [e for e in stack.of_type(EC2_VPC_ENDPOINT) if e.get("vpcId") == vpc]
    vpc_only = domain.get("appNetworkAccessType") == "VpcOnly"
    for groups in sorted(group_sets):
        if not groups:
            continue
        apps = Place(list(groups), _subnet_cidrs(stack, subnets))
        # Each set of groups needs the file systems of the profiles that carry it.
        carriers = [p for p in view.profiles
                    if tuple(sorted({*default_groups, *p.own_security_groups})) == groups]
        paths: list[Iterator[str]] = [_app_ports(stack, apps), _efs_paths(
            stack, view, apps, subnets, carriers or view.profiles)]
        if vpc_only:
            paths += [_service_path(stack, view, apps, endpoints, service, nat)
                      for service in REQUIRED_ENDPOINTS]
            paths += [_service_path(stack, view, apps, endpoints, service, nat,
                                    need="package-endpoints")
                      for service in package_needs.package_endpoints(stack)]
            paths.append(_s3_path(stack, view, apps, endpoints, tables, nat))
        for path in paths:
            try:
                problems += [p for p in path if p not in problems]
            except (_Unknown, CannotCheck) as exc:
                unknown.append(str(exc))
    yield from problems
    if not problems and unknown:
        raise CannotCheck("; ".join(dict.fromkeys(unknown)))


def _same_vpc(stack: Stack, view: DomainView, vpc: str, subnets: list[Any]) -> Iterator[str]:
    for subnet_id in subnets:
        subnet = find(stack, subnet_id, EC2_SUBNET)
        if subnet is not None and subnet.get("vpcId") not in (None, vpc):
            yield Problem(
                _message("same-vpc", f"subnet {subnet.name} of {view.domain.name} is in "
                         f"{subnet.get('vpcId')}, not the domain's VPC {vpc}"),
                f"Replace subnet {subnet.name} in the subnet ids of {view.domain.name} with "
                f"a subnet of {vpc} in the same zone: every subnet of a domain is in its "
                "VPC.")
    associated = {(a.get("securityGroupId"), a.get("vpcId"))
                  for a in stack.of_type(VPC_SECURITY_GROUP_VPC_ASSOCIATION)}
    named = {*(view.domain.get("defaultUserSettings.securityGroups") or []),
             *(view.domain.get("domainSettings.securityGroupIds") or []),
             *(view.domain.get("defaultSpaceSettings.securityGroups") or []),
             *(g for p in view.profiles for g in p.own_security_groups)}
    for group_id in sorted(g for g in named if isinstance(g, str)):
        group = find(stack, group_id, EC2_SECURITY_GROUP)
        if group is None or group.get("vpcId") in (None, vpc) or (group_id, vpc) in associated:
            continue
        yield Problem(
            _message("same-vpc", f"security group {group.name} is in {group.get('vpcId')}, "
                     f"not the VPC {vpc} of {view.domain.name}: AWS refuses it"),
            f"Use a security group of {vpc} instead of {group.name}, or associate "
            f"{group.name} with {vpc} (aws.vpc.SecurityGroupVpcAssociation).")


def _service_path(stack: Stack, view: DomainView, apps: Place, endpoints: list[Resource],
                  service: str, nat: bool | None, need: str = "api-endpoints") -> Iterator[str]:
    suffix = f".{view.where.region}.{service}"
    endpoint = next((e for e in endpoints if str(e.get("serviceName", "")).endswith(suffix)
                     and e.get("vpcEndpointType") == "Interface"), None)
    if endpoint is not None:
        target = Place(list(endpoint.get("securityGroupIds") or []))
        if endpoint.get("privateDnsEnabled") and allows(stack, apps, target, HTTPS):
            yield from _endpoint_policy_lets_through(view, endpoint, service)
            return
        yield _message(need, f"the apps of {view.domain.name} cannot reach the "
                       f"{service} endpoint {endpoint.name} on 443 (private DNS and both "
                       "security groups must allow it)")
        return
    if nat and allows(stack, apps, INTERNET, HTTPS):
        return
    if nat is None:
        raise _Unknown(f"the {service} endpoint and the subnets' routes are not in this plan")
    yield _message(need, f"the apps of {view.domain.name} (VpcOnly) have no "
                   f"{service} interface endpoint and no NAT route to reach it")


ENDPOINT_PROBES: dict[str, tuple[str, str, str]] = {
    "sagemaker.api": ("sagemaker:DescribeDomain", "sagemaker", "domain/d-studioprobe"),
    "sagemaker.runtime": ("sagemaker:InvokeEndpoint", "sagemaker", "endpoint/studio-probe"),
    "sts": ("sts:GetCallerIdentity", "", "*"),
    "logs": ("logs:PutLogEvents", "logs",
             "log-group:/aws/sagemaker/studio:log-stream:studio-probe"),
    "s3": ("s3:GetObject", "s3", "studio-probe-bucket/probe"),
    **package_needs.PACKAGE_PROBES,
}
"""One call per needed endpoint that an app makes as its role, on a resource of the account:
what ``endpoint-policies`` asks each endpoint's policy to let through."""


def _endpoint_policy_lets_through(view: DomainView, endpoint: Resource,
                                  service: str) -> Iterator[str]:
    """Whether the endpoint's policy (none: AWS's default, full access) allows the probe call
    of ``service`` by a principal of the account on a resource of the account."""
    document = endpoint.get("policy")
    if not document or service not in ENDPOINT_PROBES:
        return
    document = known(document, f"the policy of {endpoint.name}")
    action, arn_service, resource = ENDPOINT_PROBES[service]
    where = view.where
    if arn_service == "s3":
        target = f"arn:{where.partition}:s3:::{resource}"
    elif arn_service:
        target = where.arn(arn_service, resource)
    else:
        target = resource
    account = where.account
    request = Request(action, target,
                      principal=f"arn:{where.partition}:iam::{account}:role/studio-probe",
                      context={"aws:PrincipalAccount": account, "aws:ResourceAccount": account,
                               "aws:SourceVpce": str(endpoint.get("id") or "")})
    try:
        decision = evaluate([document], request, resource_policy=True)
    except (ValueError, TypeError) as exc:
        raise CannotCheck(f"the policy of {endpoint.name} cannot be read ({exc})") from None
    if decision is not Decision.ALLOW:
        yield _message("endpoint-policies", f"the policy of the {service} endpoint "
                       f"{endpoint.name} does not let the account's principals call {action} "
                       f"on {target} ({decision.value})")


def _gateway_tables(stack: Stack, endpoint: Resource) -> set[str]:
    tables = {t for t in endpoint.get("routeTableIds") or [] if isinstance(t, str)}
    tables |= {a.get("routeTableId")
               for a in stack.of_type(EC2_VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION)
               if a.get("vpcEndpointId") == endpoint.get("id")}
    return tables


def _s3_path(stack: Stack, view: DomainView, apps: Place, endpoints: list[Resource],
             tables: list[str] | None, nat: bool | None) -> Iterator[str]:
    s3 = f".{view.where.region}.s3"
    for endpoint in endpoints:
        if not str(endpoint.get("serviceName", "")).endswith(s3):
            continue
        if endpoint.get("vpcEndpointType") == "Gateway":
            if tables is None:
                raise _Unknown("the route tables of the domain's subnets are not in this plan")
            if not set(tables) <= _gateway_tables(stack, endpoint):
                continue  # a gateway endpoint serves only the route tables it is on
            gateway = Place([], [], prefix_list=endpoint.get("prefixListId"))
            if allows(stack, apps, gateway, HTTPS) or allows(stack, apps, INTERNET, HTTPS):
                yield from _endpoint_policy_lets_through(view, endpoint, "s3")
                return
        elif allows(stack, apps, Place(list(endpoint.get("securityGroupIds") or [])), HTTPS):
            return
    if nat and allows(stack, apps, INTERNET, HTTPS):
        return
    if nat is None:
        raise _Unknown("the S3 endpoint and the subnets' routes are not in this plan")
    yield _message("s3-path", f"the apps of {view.domain.name} cannot reach S3: no gateway "
                   "endpoint on the subnets' route tables whose prefix list their security "
                   "groups let out on 443, no interface endpoint, no NAT route")


def _app_ports(stack: Stack, apps: Place) -> Iterator[str]:
    """NFS and the app ports among the apps: a peer is one of the apps' groups, or an address
    block holding every domain subnet (0.0.0.0/0 included)."""
    rules = stack.memo("needs-sg-rules", _rules)

    def among_apps(rule: SgRule) -> bool:
        kind, value = rule.peer
        if kind == "sg":
            return value in apps.groups
        return kind == "cidr" and (value in ("0.0.0.0/0", "::/0")
                                   or _cidr_covers(value, apps.cidrs))

    for low, high, label in ((NFS, NFS, "NFS (2049)"), (*APP_PORTS, "TCP 8192-65535")):
        def covered(egress: bool, low: int = low, high: int = high) -> bool:
            spans = sorted(r.ports for g in apps.groups for r in rules.get(g, [])
                           if r.egress == egress and among_apps(r) and _covers(r, r.ports[0]))
            reach = low
            for start, end in spans:
                if start > reach:
                    break
                reach = max(reach, end + 1)
            return reach > high

        if not (covered(False) and covered(True)):
            yield _message("app-ports", f"security groups {apps.groups} do not allow {label} "
                           "among the apps (in and out)")


def _efs_paths(stack: Stack, view: DomainView, apps: Place, subnets: list[Any],
               profiles: list[Profile]) -> Iterator[str]:
    attached = sorted({fs for p in profiles for fs, _ in p.file_systems})
    for fs_id in attached:
        targets = [t for t in stack.of_type(EFS_MOUNT_TARGET) if t.get("fileSystemId") == fs_id]
        if not targets:
            raise CannotCheck(f"file system {fs_id}'s mount targets are not in this program")
        covered = {t.get("subnetId") for t in targets}
        missing = [s for s in subnets if s not in covered]
        if missing:
            yield _message("efs-path", f"file system {fs_id} has no mount target in domain "
                           f"subnets {missing}")
        for target in targets:
            place = Place(list(target.get("securityGroups") or []),
                          _subnet_cidrs(stack, [target.get("subnetId")]))
            if not allows(stack, apps, place, NFS):
                yield _message("efs-path", f"the apps of {view.domain.name} cannot reach "
                               f"mount target {target.name} of {fs_id} on 2049 (the apps' "
                               "egress and the mount target's ingress must both allow it)")
                break
