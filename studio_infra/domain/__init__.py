"""The SageMaker Studio domain: settings, app defaults, membership, the component.

* ``settings``: ``DomainSettings`` (``studio:domain``) and ``StudioDomainArgs``;
* ``apps``: each app type's block of user settings, and what shared spaces repeat of them;
* ``portal``: what the Studio web portal hides (``StudioPortal``);
* ``canvas``: SageMaker Canvas's workspace and features (``CanvasSettings``);
* ``membership``: what a user profile takes from its domain, and the domain's uids;
* ``component``: ``StudioDomain``.

``StudioDomainUpdate``, the dynamic resource that changes a domain's subnets and security
groups in place, is re-exported here but stays defined in ``studio_infra.domain_update``: its
provider is pickled into deployed stacks' state under that module path.
"""

from studio_infra.domain.apps import SPACE_DEFAULT_BLOCKS as SPACE_DEFAULT_BLOCKS
from studio_infra.domain.apps import app_settings as app_settings
from studio_infra.domain.apps import default_space_settings as default_space_settings
from studio_infra.domain.canvas import CanvasSettings as CanvasSettings
from studio_infra.domain.component import NEW_STUDIO_LANDING as NEW_STUDIO_LANDING
from studio_infra.domain.component import StudioDomain as StudioDomain
from studio_infra.domain.component import identity_store as identity_store
from studio_infra.domain.membership import DomainMembership as DomainMembership
from studio_infra.domain.membership import UidRegistry as UidRegistry
from studio_infra.domain.portal import CLASSIC_APPS as CLASSIC_APPS
from studio_infra.domain.portal import StudioPortal as StudioPortal
from studio_infra.domain.settings import AuthMode as AuthMode
from studio_infra.domain.settings import DomainSettings as DomainSettings
from studio_infra.domain.settings import SpaceStorage as SpaceStorage
from studio_infra.domain.settings import StudioDomainArgs as StudioDomainArgs
from studio_infra.domain_update import StudioDomainUpdate as StudioDomainUpdate
