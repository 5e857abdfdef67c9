"""The attacks a Studio user can make from inside their own apps (``judges.attacks``) as rules.

Each rule is evaluated for every domain of a plan (or a stack the policy pack sees). A message
names the attacker, the target and what lets it through, and ends with the attack and the AWS
page it comes from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from studio_infra.judges import attacks, stolen_credentials
from studio_infra.judges import studio_needs as needs
from studio_infra.resource_types import SAGEMAKER_DOMAIN
from studio_infra.rules.declare import RuleGroup
from studio_infra.rules.model import Category, Resource, Stack

ATTACK = RuleGroup(types=(SAGEMAKER_DOMAIN,), needs_stack=True, category=Category.STUDIO)


@ATTACK.rule("studio-instance-types")
def space_default_instance_types(domain: Resource, stack: Stack,
                                 _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.instance_type_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule("studio-cost-tags")
def cost_tags(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.cost_tag_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule("studio-sharing-folders")
def sharing_folders(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.sharing_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule("studio-shared-gids")
def shared_gids(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.group_problems(needs.domain_view(domain, stack), stack)


BUILT_HERE = "studio-infra:"
"""What the URN of a resource built by one of this library's components holds."""


@ATTACK.pair("studio-credentials-outside-vpc", "studio-credentials-outside-vpc-other")
def credentials_outside(domain: Resource, stack: Stack, _: Mapping[str, Any], /, *,
                        library: bool) -> Iterator[str]:
    """A domain this library builds has a ``studio-infra:`` component among its parents in
    its URN: the mandatory twin judges those, the advisory one every other program's."""
    if (BUILT_HERE in domain.urn) == library:
        yield from stolen_credentials.outside_problems(needs.domain_view(domain, stack), stack)
