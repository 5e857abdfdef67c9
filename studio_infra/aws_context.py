"""Where a component runs: account, region and partition, read once per component.

Key policies, bucket policies and endpoint names all embed these. They come from invokes,
which resolve at construction (also under the offline planner), so components can validate
against them and name things before registering anything.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from studio_infra.compat import current_stack

POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class AwsContext:
    account: str
    region: str
    partition: str
    dns_suffix: str
    service_prefix: str
    """Reverse-DNS prefix of endpoint service names (``com.amazonaws``, ``cn.com.amazonaws``)."""

    @classmethod
    def lookup(cls, opts: pulumi.ResourceOptions | None = None) -> AwsContext:
        """Account, region and partition of the AWS provider a component's children use.

        Read once per provider and program run (three invokes): every component asks, and
        neither the account nor the region of a provider changes while a program runs."""
        provider = aws_provider(opts)
        run = current_stack()
        if run is None:
            return cls._read(opts)
        remembered = _CONTEXTS.setdefault(run, {})
        if provider not in remembered:
            remembered[provider] = cls._read(opts)
        return remembered[provider]

    @classmethod
    def _read(cls, opts: pulumi.ResourceOptions | None) -> AwsContext:
        invoke = invoke_options(opts)
        partition = aws.get_partition(opts=invoke)
        return cls(
            account=aws.get_caller_identity(opts=invoke).account_id,
            region=aws.get_region(opts=invoke).region,
            partition=partition.partition,
            dns_suffix=partition.dns_suffix,
            service_prefix=partition.reverse_dns_prefix,
        )

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:root"

    def service(self, name: str) -> str:
        """A regional service host, as ``kms:ViaService`` and service principals spell it:
        with the partition's DNS suffix (botocore's ``partitions.json``: ``amazonaws.com.cn``
        in China), as the Studio judge asks (``studio_needs.Where.via``)."""
        return f"{name}.{self.region}.{self.dns_suffix}"

    def trust_policy(self, service: str, source_arn: str | None = None,
                     actions: tuple[str, ...] = ("sts:AssumeRole",)) -> str:
        """A role trust policy for an AWS service acting for this account only (and, given
        ``source_arn``, only for those resources): the confused-deputy guard AWS advises."""
        condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": self.account}}
        if source_arn:
            condition["ArnLike"] = {"aws:SourceArn": source_arn}
        action: str | list[str] = actions[0] if len(actions) == 1 else list(actions)
        return policy_json([{"Effect": "Allow", "Principal": {"Service": service},
                             "Action": action, "Condition": condition}])

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"


_CONTEXTS: weakref.WeakKeyDictionary[object, dict[pulumi.ProviderResource | None, AwsContext]] \
    = weakref.WeakKeyDictionary()
"""Per program run (its root ``Stack``, forgotten with it), per provider: the context."""


def aws_provider(opts: pulumi.ResourceOptions | None) -> pulumi.ProviderResource | None:
    """The AWS provider children of a component with ``opts`` will use, as the engine picks it:
    ``provider``, else the ``aws`` entry of ``providers``, else the parent's (a parent's
    ``providers=[...]`` reaches every descendant). None means the default provider."""
    if opts is None:
        return None
    candidates: list[Any] = [opts.provider]
    providers = opts.providers
    if isinstance(providers, Mapping):
        candidates.append(providers.get("aws"))
    elif providers:
        candidates += list(providers)
    for candidate in candidates:
        if isinstance(candidate, pulumi.ProviderResource) and candidate.package == "aws":
            return candidate
    if opts.parent is not None:
        return opts.parent.get_provider("aws:index:Provider")
    return None


def invoke_options(opts: pulumi.ResourceOptions | None) -> pulumi.InvokeOptions:
    """Invoke options that ask the provider the component's children will use."""
    return pulumi.InvokeOptions(provider=aws_provider(opts))


def policy_json(statements: list[dict[str, Any]]) -> str:
    """An IAM-style policy document with a fixed version, as compact stable JSON."""
    return json.dumps({"Version": POLICY_VERSION, "Statement": statements}, indent=2)
