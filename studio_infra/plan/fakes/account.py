"""What one fake account knows: its account id, its default region, the regions of explicit
providers, and what the plan asked of it that a person must confirm.

``resources`` and ``invokes`` answer on top of this state, each in its own class, and
``AwsFakes`` joins them; the state is apart so that both read the same account and region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pulumi.runtime import Mocks

from studio_infra.plan.fakes.regions import ACCOUNT_ID, DEFAULT_REGION, Where, partition_of


class FakeAccount(Mocks):
    """The state every answer reads: where requests go and what was looked up."""

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        account: str = ACCOUNT_ID,
        stack_outputs: Callable[[str], dict[str, Any]] | None = None,
        directory: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.default = Where(region, partition_of(region))
        self.stack_outputs = stack_outputs
        self.account = account
        self.provider_regions: dict[str, Where] = {}
        """Provider reference (``urn::id``) -> where that explicit provider sends requests."""
        self._versions: dict[str, int] = {}
        self.unanswered_invokes: set[str] = set()
        self.directory = directory
        """Users and groups of the identity store, when known (``{"users": [...],
        "groups": [...]}``); None answers any name."""
        self.looked_up: set[tuple[str, str]] = set()
        """(``user`` or ``group``, name) looked up in the identity store."""
        self.reference_errors: list[str] = []

    @property
    def region(self) -> str:
        """The stack's region (``aws:region``)."""
        return self.default.region

    def where(self, provider: str | None) -> Where:
        """Where a resource or invoke with this provider reference is answered."""
        return self.provider_regions.get(provider or "", self.default)
