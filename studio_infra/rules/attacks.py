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
from studio_infra.rules.model import Category, Enforcement, Resource, Severity, Stack

ATTACK = RuleGroup()


@ATTACK.rule(
    name="studio-instance-types",
    description="An instance type an execution role refuses on CreateApp cannot become a space's "
                "default through CreateSpace or UpdateSpace",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Deny sagemaker:CreateSpace and sagemaker:UpdateSpace with the same "
                "ForAnyValue:StringNotEquals on sagemaker:InstanceTypes as CreateApp "
                "(StudioExecutionRole does).",
    needs_stack=True,
    category=Category.STUDIO,
)
def space_default_instance_types(domain: Resource, stack: Stack,
                                 _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.instance_type_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-cost-tags",
    description="Where profiles carry StudioUser/StudioTeam cost tags, no user creates a space "
                "tagged as another user or team",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    remediation="Deny sagemaker:CreateSpace and sagemaker:AddTags when aws:RequestTag/StudioUser "
                "is set and is not ${sagemaker:UserProfileName} (StudioExecutionRole does; "
                "StudioTeam: the role's team).",
    needs_stack=True,
    category=Category.STUDIO,
)
def cost_tags(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.cost_tag_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-sharing-folders",
    description="Where each profile shares notebooks into its own folder, no user writes or "
                "deletes another user's",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.MEDIUM,
    enforcement=Enforcement.MANDATORY,
    remediation="Allow s3:PutObject and s3:DeleteObject only under <prefix>${aws:SourceIdentity}/ "
                "(StudioExecutionRole does, with StudioDomain's USER_PROFILE_NAME identity).",
    needs_stack=True,
    category=Category.STUDIO,
)
def sharing_folders(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    yield from attacks.sharing_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-shared-gids",
    description="Users outside one team do not share a POSIX gid",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation="Give each user their own gid (Studio's users: leave gid out, it becomes the "
                "uid), or put users who share one in one team.",
    needs_stack=True,
    category=Category.STUDIO,
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


@ATTACK.rule(
    name="studio-credentials-outside-vpc",
    description="Execution roles of this library's VpcOnly domains refuse their credentials "
    "from outside the VPC",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.HIGH,
    enforcement=Enforcement.MANDATORY,
    remediation=_OUTSIDE_FIX,
    needs_stack=True,
    category=Category.STUDIO,
)
def credentials_outside(domain: Resource, stack: Stack, _: Mapping[str, Any]) -> Iterator[str]:
    """Mandatory for a domain this library builds (its URN has a ``studio-infra:`` component
    among its parents), advisory for any other program's (``credentials_outside_other``)."""
    if BUILT_HERE in domain.urn:
        yield from stolen_credentials.outside_problems(needs.domain_view(domain, stack), stack)


@ATTACK.rule(
    name="studio-credentials-outside-vpc-other",
    description="Execution roles of other programs' VpcOnly domains refuse their credentials "
    "from outside the VPC",
    types=(SAGEMAKER_DOMAIN,),
    severity=Severity.HIGH,
    enforcement=Enforcement.ADVISORY,
    remediation=_OUTSIDE_FIX,
    needs_stack=True,
    category=Category.STUDIO,
)
def credentials_outside_other(domain: Resource, stack: Stack,
                              _: Mapping[str, Any]) -> Iterator[str]:
    if BUILT_HERE not in domain.urn:
        yield from stolen_credentials.outside_problems(needs.domain_view(domain, stack), stack)


ATTACK_RULES = ATTACK.rules
