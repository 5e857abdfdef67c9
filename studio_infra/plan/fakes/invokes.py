"""Invokes as AWS would answer them: zones, the caller, the region and partition, policy
documents, registry tokens, and lookups of what the plan does not create (a VPC, subnets,
identity-store users and groups), whose answers are derived from the query and remembered
for a person to confirm.

An invoke this table does not answer returns nothing and is recorded, so the plan can say
which of the program's lookups went unanswered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pulumi.runtime import MockCallArgs

from studio_infra.plan.fakes.account import FakeAccount
from studio_infra.plan.fakes.policy_document import render_policy_document
from studio_infra.plan.fakes.regions import ZONE_LETTERS, Where, partition_of, zone_id_prefix
from studio_infra.plan.fakes.seeds import digest, uuid_from
from studio_infra.resource_types import (
    EC2_GET_SUBNETS,
    EC2_GET_VPC,
    ECR_GET_AUTHORIZATION_TOKEN,
    GET_AVAILABILITY_ZONES,
    GET_CALLER_IDENTITY,
    GET_PARTITION,
    GET_REGION,
    IAM_GET_POLICY_DOCUMENT,
    IDENTITYSTORE_GET_GROUP,
    IDENTITYSTORE_GET_USER,
    SSOADMIN_GET_INSTANCES,
)


class InvokeAnswers(FakeAccount):
    """A fake account's answers to invokes (``_INVOKES`` says which method answers which)."""

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        handler = _INVOKES.get(args.token)
        if handler is None:
            self.unanswered_invokes.add(args.token)
            return {}
        return handler(self, args.args or {}, self.where(args.provider))

    def _zones(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        region = where.region
        letters = ZONE_LETTERS.get(region, "abc")
        names = [f"{region}{letter}" for letter in letters]
        zone_ids = [f"{zone_id_prefix(region)}-az{i + 1}" for i in range(len(names))]
        exclude = set(args.get("excludeNames") or [])
        kept = [(n, z) for n, z in zip(names, zone_ids, strict=True) if n not in exclude]
        return {
            "id": region,
            "names": [n for n, _ in kept],
            "zoneIds": [z for _, z in kept],
            "state": args.get("state", "available"),
            "groupNames": [region] * len(kept),
        }

    def _vpc_lookup(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """An existing VPC (by id, ``default`` or filters): the plan cannot see the account, so
        the answer is a VPC with a stable id derived from the query, which the plan then lists
        under "Outside this plan" for a person to confirm."""
        query = json.dumps(args, sort_keys=True, default=str)
        vpc_id = str(args.get("id") or f"vpc-{digest('lookup', query)[:17]}")
        return {
            "id": vpc_id,
            "arn": f"arn:{where.partition.name}:ec2:{where.region}:{self.account}:vpc/{vpc_id}",
            "cidrBlock": args.get("cidrBlock") or "10.0.0.0/16",
            "default": bool(args.get("default", False)),
            "enableDnsHostnames": True,
            "enableDnsSupport": True,
            "instanceTenancy": "default",
            "mainRouteTableId": f"rtb-{digest('lookup-main', vpc_id)[:17]}",
            "ownerId": self.account,
            "state": "available",
            "tags": args.get("tags") or {},
        }

    def _subnets_lookup(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """Existing subnets matching the filters: one per zone of the first two, with ids
        derived from the query (listed under "Outside this plan" like the VPC's)."""
        query = json.dumps(args, sort_keys=True, default=str)
        zones = self._zones({}, where)["names"][:2]
        return {
            "id": where.region,
            "ids": [f"subnet-{digest('lookup', query, zone)[:17]}" for zone in zones],
            "filters": args.get("filters"),
            "tags": args.get("tags"),
        }

    def _sso_instances(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        """The account's IAM Identity Center instance."""
        return {"id": where.region, "region": where.region,
                "arns": [f"arn:{where.partition.name}:sso:::instance/ssoins-"
                         f"{digest('sso', self.account)[:16]}"],
                "identityStoreIds": [f"d-{digest('store', self.account)[:10]}"]}

    def _identity_user(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return self._identity(args, "user", "UserName")

    def _identity_group(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return self._identity(args, "group", "DisplayName")

    def _identity(self, args: dict[str, Any], kind: str, attribute: str) -> dict[str, Any]:
        """A user or group of the identity store by name. The plan cannot see the directory:
        each name is answered with a stable id and remembered, for a person to confirm; with
        ``directory`` given (tests, or a team's export), an unknown name is refused, and a
        group's name where a user is wanted names the mistake."""
        # Nested keys arrive as the program wrote them (the engine would camelCase them).
        alternate = args.get("alternateIdentifier") or {}
        unique = alternate.get("uniqueAttribute") or alternate.get("unique_attribute") or {}
        name = str(unique.get("attributeValue") or unique.get("attribute_value") or "")
        if self.directory is not None:
            other = "group" if kind == "user" else "user"
            if name not in self.directory.get(f"{kind}s", ()):
                hint = (f"; {name!r} is a {other} there, and a {kind} is needed here"
                        if name in self.directory.get(f"{other}s", ()) else "")
                raise LookupError(f"the identity store has no {kind} named {name!r}{hint}")
        self.looked_up.add((kind, name))
        ident = str(uuid_from(f"{kind}:{name}"))
        store = str(args.get("identityStoreId") or "")
        result: dict[str, Any] = {"id": f"{store}/{ident}", "identityStoreId": store,
                                  "displayName": name}
        if kind == "user":
            result.update(userId=ident, userName=name)
        else:
            result.update(groupId=ident)
        return result

    def _caller(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return {
            "accountId": self.account,
            "arn": f"arn:{where.partition.name}:iam::{self.account}:user/studio-infra-plan",
            "userId": "AIDA" + digest("caller")[:17].upper(),
            "id": self.account,
        }

    def _region(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        region = args.get("region") or args.get("name") or where.region
        partition = partition_of(region)
        return {
            "id": region,
            "region": region,
            "name": region,
            "description": region,
            "endpoint": f"ec2.{region}.{partition.dns_suffix}",
        }

    def _partition(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        return {
            "id": where.partition.name,
            "partition": where.partition.name,
            "dnsSuffix": where.partition.dns_suffix,
            "reverseDnsPrefix": where.partition.reverse_dns_prefix,
        }

    def _ecr_token(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        registry = args.get("registryId") or self.account
        return {
            "id": where.region,
            "registryId": registry,
            "userName": "AWS",
            "password": "[secret]",
            "authorizationToken": "[secret]",
            "proxyEndpoint":
                f"https://{registry}.dkr.ecr.{where.region}.{where.partition.dns_suffix}",
            "expiresAt": "2030-01-01T00:00:00Z",
        }

    def _policy_document(self, args: dict[str, Any], where: Where) -> dict[str, Any]:
        document = render_policy_document(args)
        text = json.dumps(document, indent=2)
        return {
            "id": str(int(digest(text)[:8], 16)),
            "json": text,
            "minifiedJson": json.dumps(document, separators=(",", ":")),
            "statements": args.get("statements") or [],
            "version": document["Version"],
        }


_INVOKES: dict[str, Callable[[InvokeAnswers, dict[str, Any], Where], dict[str, Any]]] = {
    GET_AVAILABILITY_ZONES: InvokeAnswers._zones,
    GET_CALLER_IDENTITY: InvokeAnswers._caller,
    GET_REGION: InvokeAnswers._region,
    GET_PARTITION: InvokeAnswers._partition,
    IAM_GET_POLICY_DOCUMENT: InvokeAnswers._policy_document,
    ECR_GET_AUTHORIZATION_TOKEN: InvokeAnswers._ecr_token,
    EC2_GET_VPC: InvokeAnswers._vpc_lookup,
    SSOADMIN_GET_INSTANCES: InvokeAnswers._sso_instances,
    IDENTITYSTORE_GET_USER: InvokeAnswers._identity_user,
    IDENTITYSTORE_GET_GROUP: InvokeAnswers._identity_group,
    EC2_GET_SUBNETS: InvokeAnswers._subnets_lookup,
}
"""The invokes answered, by token: any other is recorded in ``unanswered_invokes``."""
