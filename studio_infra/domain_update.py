"""Domain settings AWS changes in place but the provider would replace the domain for.

The provider (bridged from terraform-provider-aws, ``judges/data/replacements.json``) marks a
domain's ``subnet_ids`` and ``domain_settings.security_group_ids`` as forcing a new domain:
adding a zone or a security group would delete the domain and orphan every user's home
directory. SageMaker's ``UpdateDomain`` takes both (botocore's model: ``SubnetIds``,
``DomainSettingsForUpdate.SecurityGroupIds``; removing a subnet needs no app to be running),
and CloudFormation updates them in place. So ``StudioDomain`` tells the engine to leave those
two properties of the domain alone (``ignore_changes``) and gives them to this resource,
whose update calls ``UpdateDomain`` and waits for the domain to be ``InService`` again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

IN_PLACE = ("subnet_ids", "security_group_ids")
"""What this resource applies with ``UpdateDomain``."""


def update_domain(client: Any, domain_id: str, olds: dict[str, Any], news: dict[str, Any],
                  *, sleep: Callable[[float], None] = time.sleep, attempts: int = 60,
                  delay: float = 10.0) -> list[str]:
    """Apply what changed between ``olds`` and ``news`` with one ``UpdateDomain``; wait until
    the domain is in service. Returns what was sent (for the log)."""
    request: dict[str, Any] = {"DomainId": domain_id}
    if list(olds.get("subnet_ids") or []) != list(news.get("subnet_ids") or []):
        request["SubnetIds"] = list(news["subnet_ids"])
    if list(olds.get("security_group_ids") or []) != list(news.get("security_group_ids") or []):
        request["DomainSettingsForUpdate"] = {"SecurityGroupIds": list(
            news["security_group_ids"])}
    sent = [k for k in request if k != "DomainId"]
    if not sent:
        return []
    client.update_domain(**request)
    for _ in range(attempts):
        status = client.describe_domain(DomainId=domain_id).get("Status")
        if status == "InService":
            return sent
        if status in ("Update_Failed", "Failed"):
            raise RuntimeError(f"UpdateDomain of {domain_id} ended {status}")
        sleep(delay)
    raise TimeoutError(f"domain {domain_id} not InService after {attempts * delay:.0f} s")


class _DomainUpdateProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        # The domain was just created with these values: nothing to apply.
        return CreateResult(id_=f"{props['domain_id']}-in-place", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("domain_id", "region") if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in IN_PLACE if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=replaces,
                          delete_before_replace=False)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from studio_infra.ops.session import client_of, make_session

        client = client_of(make_session(region=news.get("region")), "sagemaker")
        update_domain(client, news["domain_id"], olds, news)
        return UpdateResult(outs=news)


class StudioDomainUpdate(Resource):
    """Applies a domain's subnets and security groups in place (see module docstring)."""

    def __init__(self, name: str, domain_id: pulumi.Input[str], region: str,
                 subnet_ids: pulumi.Input[Any], security_group_ids: pulumi.Input[Any],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_DomainUpdateProvider(), name, {
            "domain_id": domain_id, "region": region, "subnet_ids": subnet_ids,
            "security_group_ids": security_group_ids}, opts)
