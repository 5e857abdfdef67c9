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
from studio_infra.rules.declare import RuleGroup, Twin
from studio_infra.rules.model import Category, Enforcement, Resource, Severity, Stack

ATTACK = RuleGroup(types=(SAGEMAKER_DOMAIN,), needs_stack=True, category=Category.STUDIO)


@ATTACK.rule(
    name="studio-instance-types",
    description="An instance type an execution role refuses on CreateApp cannot become a space's "
                "default through CreateSpace or UpdateSpace",
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Deny sagemaker:CreateSpace and sagemaker:UpdateSpace with the same "
                "ForAnyValue:StringNotEquals on sagemaker:InstanceTypes as CreateApp "
                "(StudioExecutionRole does).",
)
def space_default_instance_types(domain: Resource, stack: Stack,
                                 _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.instance_type_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-cost-tags",
    description="Where profiles carry StudioUser/StudioTeam cost tags, no user creates a space "
                "tagged as another user or team",
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    remediation="Deny sagemaker:CreateSpace and sagemaker:AddTags when aws:RequestTag/StudioUser "
                "is set and is not ${sagemaker:UserProfileName} (StudioExecutionRole does; "
                "StudioTeam: the role's team).",
)
def cost_tags(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.cost_tag_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-sharing-folders",
    description="Where each profile shares notebooks into its own folder, no user writes or "
                "deletes another user's",
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    remediation="Allow s3:PutObject and s3:DeleteObject only under <prefix>${aws:SourceIdentity}/ "
                "(StudioExecutionRole does, with StudioDomain's USER_PROFILE_NAME identity).",
)
def sharing_folders(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.sharing_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-shared-gids",
    description="Users outside one team do not share a POSIX gid",
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Give each user their own gid (Studio's users: leave gid out, it becomes the "
                "uid), or put users who share one in one team.",
)
def shared_gids(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.group_problems(needs.domain_view(domain, stack), stack)


BUILT_HERE = "studio-infra:"
"""What the URN of a resource built by one of this library's components holds."""
_OUTSIDE_FIX = ("Add a Deny on every action but the exempt ones when aws:SourceVpc is not the "
                "Studio VPC and aws:SourceIp is not the NAT's (BoolIfExists false on "
                "aws:ViaAWSService and aws:PrincipalIsAWSService), as "
                "studio_infra.perimeter.identity_statement builds; StudioExecutionRole does "
                "unless network_perimeter is false.")


@ATTACK.pair(
    Twin(name="studio-credentials-outside-vpc",
         description="Execution roles of this library's VpcOnly domains refuse their "
                     "credentials from outside the VPC",
         severity=Severity.HIGH, remediation=_OUTSIDE_FIX),
    Twin(name="studio-credentials-outside-vpc-other",
         description="Execution roles of other programs' VpcOnly domains refuse their "
                     "credentials from outside the VPC",
         severity=Severity.HIGH, remediation=_OUTSIDE_FIX),
)
def credentials_outside(domain: Resource, stack: Stack, _: Mapping[str, Any], /, *,
                        library: bool) -> Iterator[str]:
    """A domain this library builds has a ``studio-infra:`` component among its parents in
    its URN: the mandatory twin judges those, the advisory one every other program's."""
    if (BUILT_HERE in domain.urn) == library:
        yield from stolen_credentials.outside_problems(needs.domain_view(domain, stack), stack)


ATTACK_RULES = ATTACK.rules
