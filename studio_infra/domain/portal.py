"""What the Studio web portal hides: app types, ML tools and instance types.

``UserSettings.StudioWebPortalSettings`` takes ``HiddenAppTypes``, ``HiddenMlTools`` and
``HiddenInstanceTypes``, each a list of one of botocore's enums (``AppType``, ``MlTools``,
``AppInstanceType``), and pulumi-aws 7.x exposes all three
(``default_user_settings.studio_web_portal_settings``). AWS describes them as what the
Studio user interface hides ("hidden from the Studio left navigation pane", "the instance
types you are hiding from the Studio user interface":
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StudioWebPortalSettings.html)
and says nothing of the API, so nothing here relies on hiding for security: what a role may
start is decided by its ``sagemaker:InstanceTypes`` condition (``roles.py``). A profile's own
settings "take priority over the settings applied on a domain level" (the same page).

Nothing is hidden by default but Studio Classic's apps (``classic_apps``), as before.
Hiding, by default, every instance type an execution role may not start was considered and
left out: the allow-list belongs to each role (the default one, a team's, a user's, widened
by ``managed_policy_arns``), while these settings are the domain's and every profile inherits
them, so hiding one role's complement would hide types another role may use; hiding the
complement of them all would put about 150 names into every domain and every plan, and
change what the portal shows for types IAM already refuses, and nothing else.

``HiddenSageMakerImageVersionAliases`` (the same structure) is not exposed by pulumi-aws
7.51.1: see ``studio_infra.domain.unexposed``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from studio_infra.inputs import ARGS_CONFIG
from studio_infra.limits import member_values
from studio_infra.suggest import did_you_mean

PORTAL_SHAPE = "StudioWebPortalSettings"
CLASSIC_APPS = ("JupyterServer", "KernelGateway")
"""Studio Classic's app types, hidden from the Studio navigation unless asked for."""


def _checked(member: str, values: list[str]) -> list[str]:
    """``values`` without repeats, each one botocore's ``PORTAL_SHAPE.member`` allows."""
    allowed = member_values(PORTAL_SHAPE, member)
    for value in values:
        if value not in allowed:
            hint = did_you_mean(value, allowed, f"SageMaker takes {sorted(allowed)}"
                                if len(allowed) < 40 else
                                "see AppInstanceType in SageMaker's API reference")
            raise ValueError(f"{value!r} is not a value of {PORTAL_SHAPE}.{member} "
                             f"(botocore's model); {hint}")
    return list(dict.fromkeys(values))


class StudioPortal(BaseModel):
    """What the Studio web portal hides from every user of the domain
    (``StudioWebPortalSettings``); the API and IAM decide what they may do."""

    model_config = ARGS_CONFIG

    hidden_app_types: list[str] = Field(default_factory=list)
    """Apps hidden from the left navigation (``HiddenAppTypes``: ``CodeEditor``,
    ``Canvas``, ...), besides Studio Classic's unless ``classic_apps``."""
    hidden_ml_tools: list[str] = Field(default_factory=list)
    """ML tools hidden from the left navigation (``HiddenMlTools``: ``DataWrangler``,
    ``AutoMl``, ``JumpStart``, ...)."""
    hidden_instance_types: list[str] = Field(default_factory=list)
    """Instance types not offered in the portal (``HiddenInstanceTypes``). Empty by
    default: each execution role's ``instance_types`` is what decides (docs/components.md,
    "The portal")."""

    @field_validator("hidden_app_types")
    @classmethod
    def _apps(cls, value: list[str]) -> list[str]:
        return _checked("HiddenAppTypes", value)

    @field_validator("hidden_ml_tools")
    @classmethod
    def _tools(cls, value: list[str]) -> list[str]:
        return _checked("HiddenMlTools", value)

    @field_validator("hidden_instance_types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return _checked("HiddenInstanceTypes", value)

    def settings(self, hidden_apps: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """The provider's ``studio_web_portal_settings``, ``hidden_apps`` (Studio Classic's)
        first; None when nothing is hidden, so that the block is left out."""
        apps = list(dict.fromkeys([*hidden_apps, *self.hidden_app_types]))
        block = {key: values for key, values in (
            ("hidden_app_types", apps), ("hidden_ml_tools", self.hidden_ml_tools),
            ("hidden_instance_types", self.hidden_instance_types)) if values}
        return block or None
