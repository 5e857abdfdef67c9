"""What SageMaker Studio needs to work for every user, and to keep users apart.

AWS accepting a plan is not enough: a user must be able to open Studio, start a space, reach
S3, the APIs and the shared file system, and must not be able to act as another user. This
package is that knowledge, one need per entry of ``NEEDS`` (``catalog``), each citing the AWS
page it comes from, and the code that checks a plan's domains (``view``) against it:

* **identity** (``identity``): each execution role allows, for its own user, every call the
  Studio UI and apps make as that role, and its trust policy allows what the domain's settings
  require; decided by ``iam_eval`` over the role's policies (``roles``), the key policies and
  the bucket policy;
* **isolation** (``isolation``): no execution role can open Studio as, or create or delete the
  apps and spaces of, another user's profile, or assume another user's role;
* **network** (``network``): from the domain's subnets and security groups, each interface
  endpoint Studio needs (or a NAT route), S3 (gateway endpoint or NAT) and every attached
  EFS's mount targets are reachable, with both sides' rules (``reachability``);
* **files** (``files``): each user's directory on every attached file system exists, is
  theirs, and is not writable by another user;
* **MLflow** (``mlflow``): with a tracking server in the plan, each execution role uses it
  and no other, and the server's role reaches its artifact store;
* **keys** (``keys``): no key policy lets a principal create grants outside
  ``kms:GrantIsForAWSResource`` (a grant can give its holder ``Decrypt``).

What the plan cannot show (a role or bucket outside it, a policy not known until deployment)
raises ``CannotCheck``: reported, never passed silently.

The names below keep ``studio_infra.judges.studio_needs`` the one import path of the model,
as it was when the model was a single module (the rules, ``judges.attacks``,
``judges.boundaries`` and the tests import from it); the reachability decision's own names
are imported from ``reachability``, which the network checks use.
"""

from __future__ import annotations

from studio_infra.judges.studio_needs.catalog import NEEDS, Need, _message, needs_table
from studio_infra.judges.studio_needs.files import (
    DEPLOY_TIME_CODE,
    Directory,
    file_problems,
    provisioned,
    unjudged_provisioning,
)
from studio_infra.judges.studio_needs.identity import SAGEMAKER_ASSUMES, identity_problems
from studio_infra.judges.studio_needs.isolation import isolation_problems
from studio_infra.judges.studio_needs.keys import unconditioned_grants
from studio_infra.judges.studio_needs.network import (
    APP_PORTS,
    ENDPOINT_PROBES,
    HTTPS,
    NFS,
    REQUIRED_ENDPOINTS,
    _app_ports,
    _nat_routes,
    _route_tables,
    _s3_path,
    _Unknown,
    network_problems,
)
from studio_infra.judges.studio_needs.resources import find
from studio_infra.judges.studio_needs.roles import Caller, Policies, _role, role_policies
from studio_infra.judges.studio_needs.view import (
    APP_SETTINGS,
    DomainView,
    Profile,
    Where,
    _new_user,
    _space,
    dns_suffix,
    domain_view,
)

__all__ = [
    "APP_PORTS",
    "APP_SETTINGS",
    "DEPLOY_TIME_CODE",
    "ENDPOINT_PROBES",
    "HTTPS",
    "NEEDS",
    "NFS",
    "REQUIRED_ENDPOINTS",
    "SAGEMAKER_ASSUMES",
    "Caller",
    "Directory",
    "DomainView",
    "Need",
    "Policies",
    "Profile",
    "Where",
    "_Unknown",
    "_app_ports",
    "_message",
    "_nat_routes",
    "_new_user",
    "_role",
    "_route_tables",
    "_s3_path",
    "_space",
    "dns_suffix",
    "domain_view",
    "file_problems",
    "find",
    "identity_problems",
    "isolation_problems",
    "needs_table",
    "network_problems",
    "provisioned",
    "role_policies",
    "unconditioned_grants",
    "unjudged_provisioning",
]
