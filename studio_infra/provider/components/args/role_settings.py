"""The argument type ``RoleSettings``: GENERATED, do not edit.

Written by ``python -m studio_infra.provider.generate`` from the components' pydantic models
(their ``ARGS``) and declared outputs; the generator says how each field is mapped. Pulumi's
analyzer reads these classes, and the docstrings below each field, to infer the schema every
other language sees.
"""

from typing import NotRequired, TypedDict

import pulumi


class RoleSettings(TypedDict):
    (
        "What a person chooses about an execution role (``studio:execution_role``, a team); the "
        "``StudioExecutionRole`` arguments add what a program wires in."
    )

    instance_types: NotRequired[list[str]]
    """Instance types this role may start apps on; GPU types only if listed here."""

    managed_policy_arns: NotRequired[list[pulumi.Input[str]]]
    (
        "Managed policies to attach as well. None by default: broad access is a choice. An ARN "
        "given as a string names its attachment (``<role>-<policy name>``); one given as an "
        "Output (``aws.iam.Policy(...).arn``) is named by its place among the Outputs "
        "(``<role>-managed-1``, ...): add new ones at the end."
    )

    job_guardrails: NotRequired[bool]
    (
        "Deny statements that bind any job permission the role gets: training, processing, "
        "tuning, transform, AutoML and monitoring jobs must run in a VPC with security groups, "
        "with volume and output KMS keys and inter-container encryption (the role's managed "
        "policy ``<name>-guardrails``). False is the named opt-out, which the "
        "``sagemaker-job-guardrails`` rule reports.\n\n"
        "Default: ``true``."
    )

    network_perimeter: NotRequired[bool]
    (
        "Deny the role's calls made from outside the Studio VPC "
        "(``perimeter.identity_statement``, in the ``<name>-guardrails`` policy): session "
        "credentials taken from a notebook stop working on the internet. Applied when the "
        "program wires in the VPC (``perimeter_vpc_ids``; ``Studio`` does for ``VpcOnly`` "
        "domains). False is the named opt-out, reported by ``studio-credentials-outside-vpc``.\n\n"
        "Default: ``true``."
    )

    job_network_isolation: NotRequired[bool]
    (
        "Also require network isolation for the jobs that take it (off by default: it breaks "
        "jobs that call AWS APIs or install packages at run time)."
    )

    local_storage_instance_types: NotRequired[list[str]]
    (
        "Instance-type patterns with local storage, which AWS refuses a volume key (their disks "
        "are encrypted by hardware): the volume-key guardrail spares jobs on these alone. "
        "Default: the families SageMaker names (``ml.g4dn.*``, ``ml.g5.*``, ``ml.p4d.*``); add "
        "others from EC2's instance store table."
    )
