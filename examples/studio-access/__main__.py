"""StudioAccessPolicy alone: the people who open Studio, from inside the network only.

The domain and its network are another stack's (their ids come from this stack's config, or a
``pulumi.StackReference``). Each user gets a managed policy that opens their own profile only,
and only through the ``sagemaker.api`` VPC endpoint; attach it to that person's IAM user,
group or role.
"""

import pulumi

from studio_infra.access import StudioAccessPolicy

config = pulumi.Config()
access = StudioAccessPolicy("open-studio", {
    "domain_id": config.require("domain_id"),
    "sagemaker_api_endpoint_id": config.require("sagemaker_api_endpoint_id"),
    "user_profiles": config.require_object("users"),
})

pulumi.export("policy_arns", access.policy_arns)
