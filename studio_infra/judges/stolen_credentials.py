"""The attack "credentials usable outside the VPC", judged on a plan.

A user (or code they run) reads their execution role's session credentials inside the app
and uses them from the internet, where no endpoint policy, flow log or NAT stands in between.
For each execution role of a ``VpcOnly`` domain the check asks, with the role's own policies
and an Allow for everything beside them (whatever the role is or will be granted), whether
calls that move data or open Studio are refused when made from an internet address: only an
explicit deny on the network (``perimeter.identity_statement``) refuses them whatever is
granted. A ``PublicInternetOnly`` domain's apps run in SageMaker's network, which no
perimeter can name; ``sagemaker-domain-vpc-only`` reports those.

Calls SageMaker makes from its own network (``perimeter.SAGEMAKER_CALLS``) stay allowed by
design; the probes here are none of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from studio_infra.judges.iam_eval import Decision, Request, access
from studio_infra.judges.studio_needs import (
    Caller,
    DomainView,
    Need,
    _new_user,
    _role,
    role_policies,
)
from studio_infra.perimeter import CONDITION_KEYS_PAGE
from studio_infra.snapshot import Stack

ATTACK = Need(
    "credentials-outside-vpc", "isolation",
    "An execution role's session credentials, taken from a notebook, are refused from the "
    "internet for what moves data or opens Studio (S3 objects, KMS decryption, secrets, "
    "presigned URLs, assuming roles), whatever the role is granted",
    CONDITION_KEYS_PAGE + "#condition-keys-sourcevpc")
INTERNET_ADDRESS = "198.51.100.10"
"""Where the stolen credentials are used from: an address of TEST-NET-2 (RFC 5737), which is
no one's NAT. A request from the internet carries ``aws:SourceIp`` and no VPC keys."""
EVERYTHING = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
"""Whatever the role is, or will be, granted: only an explicit deny is a perimeter."""


def probes(caller: Caller) -> list[tuple[str, str]]:
    """(action, resource) of the calls stolen credentials are used for."""
    where, view = caller.view.where, caller.view
    return [
        ("s3:GetObject", f"arn:{where.partition}:s3:::any-bucket/any-object"),
        ("s3:PutObject", f"arn:{where.partition}:s3:::any-bucket/any-object"),
        ("kms:Decrypt", where.arn("kms", "key/any-key")),
        ("secretsmanager:GetSecretValue", where.arn("secretsmanager", "secret:any-secret")),
        ("sagemaker:CreatePresignedDomainUrl", caller.profile.arn),
        ("sts:AssumeRole", f"arn:{where.partition}:iam::{where.account}:role/any-role"),
        ("sagemaker:CreateTrainingJob", where.arn("sagemaker", f"training-job/{view.id}-x")),
    ]


def _callers(view: DomainView, stack: Stack) -> Iterator[Caller]:
    seen: set[str] = set()
    for profile in view.profiles or [_new_user(view)]:
        role = _role(stack, profile.role_arn, f"the execution role of {profile.name}")
        if role.urn not in seen:
            seen.add(role.urn)
            yield Caller(view, profile, role, role_policies(role, stack))


def outside_problems(view: DomainView, stack: Stack) -> Iterator[str]:
    """Each execution role whose credentials work from the internet, with the calls they
    are not refused."""
    if view.network.vpc is None:
        return  # PublicInternetOnly: sagemaker-domain-vpc-only reports it
    for caller in _callers(view, stack):
        context = {**caller.context, "aws:SourceIp": INTERNET_ADDRESS}
        open_calls = [action for action, resource in probes(caller) if access(
            [*caller.policies.documents, EVERYTHING],
            Request(action, resource, principal=str(caller.role.get("arn")), context=context),
            account=view.where.account) is not Decision.EXPLICIT_DENY]
        if open_calls:
            yield (f"{caller.role.name} ({caller.profile.name}'s role): its session "
                   f"credentials, taken from a notebook, work from the internet "
                   f"({INTERNET_ADDRESS}) for {', '.join(open_calls)}: no statement denies "
                   "calls from outside the VPC (aws:SourceVpc, the NAT's aws:SourceIp) "
                   f"[{ATTACK.key}: {ATTACK.source}]")
