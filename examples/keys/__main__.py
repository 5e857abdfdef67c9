"""StudioKeys alone: one key per purpose, usable directly by an existing execution role.

Each key rotates yearly, stays recoverable for 30 days after a deletion is scheduled, and is
protected in the stack. Its policy lets the account administer it, lets principals of this
account use it only through the service it is for, and lets the role below use it directly.
"""

import pulumi

from studio_infra.kms import StudioKeys

config = pulumi.Config()
execution_role = config.get("executionRoleArn") or \
    "arn:aws:iam::123456789012:role/existing-studio-execution-role"

keys = StudioKeys("platform", {"user_role_arns": [execution_role], "tags": {"team": "ml"}})

pulumi.export("key_arns", keys.key_arns)
