"""Old lifecycle configurations are removed once nothing uses them, not while apps run.

A changed script is a new configuration (``lifecycle.py``: named by its content) and the old
one is replaced. Deleting it in that same ``pulumi up`` fails while any app runs with it:
botocore's documentation of ``DeleteStudioLifecycleConfig`` says "there must be no running
apps using the Lifecycle Configuration. You must also remove the Lifecycle Configuration
from UserSettings in all Domains and UserProfiles" (its errors: ``ResourceInUse``). So each
configuration is ``retain_on_delete`` (the engine drops it from the stack, AWS keeps it), and
this resource sweeps: it depends on everything that attaches configurations (the domain, the
profiles, the spaces), so it runs after they stop naming the old ones, and deletes each
configuration the stack made (its owner tag) that the program no longer names. One still in
use is left, listed in its ``pending`` output; while anything is pending every ``pulumi up``
runs the sweep again (``pulumi preview`` shows it as an update), so it goes once its apps
have stopped.
``pulumi destroy`` leaves retained configurations in place (they cost nothing); delete them
with the console or ``aws sagemaker delete-studio-lifecycle-config`` once unused.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
from botocore.exceptions import ClientError
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from studio_infra.aws_access import ACCESS_KEY

OWNER_TAG = "studio-infra:lifecycle-configs"
"""Tag on each configuration: which program's ``LifecycleConfigs`` made it."""
_HASHED = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*-[0-9a-f]{8}$")
"""A configuration named by ``LifecycleScript.config_name``."""


def sweep(client: Any, owner: str, keep: set[str]) -> tuple[list[str], list[str]]:
    """Delete the configurations tagged ``owner`` that are not in ``keep``; returns
    (deleted, still in use)."""
    from studio_infra.ops.session import all_items, error_code

    deleted: list[str] = []
    pending: list[str] = []
    for config in all_items(client.list_studio_lifecycle_configs, "StudioLifecycleConfigs"):
        name = config["StudioLifecycleConfigName"]
        if name in keep or not _HASHED.match(name):
            continue
        tags = all_items(client.list_tags, "Tags",
                         ResourceArn=config["StudioLifecycleConfigArn"])
        if {"Key": OWNER_TAG, "Value": owner} not in [
                {"Key": t.get("Key"), "Value": t.get("Value")} for t in tags]:
            continue
        try:
            client.delete_studio_lifecycle_config(StudioLifecycleConfigName=name)
            deleted.append(name)
        except ClientError as exc:
            if error_code(exc) == "ResourceInUse":
                pending.append(name)
            elif error_code(exc) != "ResourceNotFound":
                raise
    return deleted, pending


class _SweepProvider(ResourceProvider):
    def _sweep(self, props: dict[str, Any]) -> dict[str, Any]:
        from studio_infra.aws_access import session_for
        from studio_infra.ops.session import client_of

        client = client_of(session_for(props.get(ACCESS_KEY), region=props.get("region")),
                           "sagemaker")
        _deleted, pending = sweep(client, props["owner"], set(props.get("keep") or []))
        return {**props, "pending": pending}

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['owner']}-sweep", outs=self._sweep(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in ("keep", "owner", "region", ACCESS_KEY)
                   if olds.get(k) != news.get(k)]
        # Something still in use last time: look again.
        return DiffResult(changes=bool(changed) or bool(olds.get("pending")), replaces=[],
                          delete_before_replace=False)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._sweep(news))


class LifecycleConfigSweep(Resource):
    """Deletes this program's lifecycle configurations it no longer names, once unused (see
    the module docstring)."""

    def __init__(self, name: str, owner: str, keep: list[str], region: str,
                 opts: pulumi.ResourceOptions | None = None, *,
                 access: pulumi.Input[dict[str, Any]] | None = None) -> None:
        super().__init__(_SweepProvider(), name, {
            "owner": owner, "keep": sorted(keep), "region": region, ACCESS_KEY: access,
            "pending": None}, opts)
