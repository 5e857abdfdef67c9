"""The provider's hosted components, derived from the Python components when this module is
first imported (``studio_infra.provider.derive``)."""

from __future__ import annotations

from studio_infra.provider.derive import derive
from studio_infra.provider.hosting import HostedComponent

COMPONENTS: list[type[HostedComponent]] = derive()
"""The components the provider serves, in ``derive.HOSTED``'s order."""

_BY_NAME = {component.__name__: component for component in COMPONENTS}


def hosted(name: str) -> type[HostedComponent]:
    """The hosted class served as ``studio-infra:index:<name>``."""
    return _BY_NAME[name]
