"""StudioKeys alone: one key per purpose, usable directly by a Studio execution role.

Each key rotates yearly, stays recoverable for 30 days after a deletion is scheduled, and is
protected in the stack. Its policy lets the account administer it, lets principals of this
account use it only through the service it is for, and lets the role below use it directly.
The role is created here: a key policy naming a principal that does not exist is refused by
KMS, so an example cannot name one it does not create.
"""

import pulumi

from studio_infra.kms import StudioKeys
from studio_infra.roles import StudioExecutionRole

execution_role = StudioExecutionRole("studio", {"tags": {"team": "ml"}})
keys = StudioKeys("platform", {"user_role_arns": [execution_role.role_arn],
                               "tags": {"team": "ml"}})

pulumi.export("key_arns", keys.key_arns)
pulumi.export("execution_role_arn", execution_role.role_arn)
