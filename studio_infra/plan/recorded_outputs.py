"""StackReferences answered with recorded outputs (``studio-infra plan --stack-outputs``).

A referenced stack that is not beside the planned project (another repository, another
team's) is answered from a file holding its outputs as ``pulumi stack output --json`` prints
them, under the reference's name::

    {"acme/network/prod": {"vpcId": "vpc-0a1b2c3d4e5f60718", "privateSubnetIds": [...]}}

A reference with an organisation matches a recorded ``project/stack`` and the other way
round (the organisation is the backend's, not the stack's). A reference the file does not
hold is planned from a sibling folder as before (``references.sibling_resolver``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from studio_infra.errors import StudioInfraError


def load_stack_outputs(path: str | Path) -> dict[str, dict[str, Any]]:
    """The file's recorded outputs by reference; StudioInfraError naming what is wrong."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise StudioInfraError(f"--stack-outputs {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StudioInfraError(f"--stack-outputs {path} cannot be read as JSON: {exc}") \
            from None
    if not isinstance(data, Mapping) or not data:
        raise StudioInfraError(f"--stack-outputs {path} must be an object of stack reference "
                               "(\"org/project/stack\") -> its outputs")
    for reference, outputs in data.items():
        if len(str(reference).split("/")) not in (2, 3) or not isinstance(outputs, Mapping):
            raise StudioInfraError(
                f"--stack-outputs {path}: {reference!r} must be \"[org/]project/stack\" "
                "mapped to an object of outputs (`pulumi stack output --json`)")
    return {str(k): dict(v) for k, v in data.items()}


def _key(reference: str) -> str:
    """``project/stack`` of ``[org/]project/stack``."""
    return "/".join(reference.split("/")[-2:])


def recorded_resolver(recorded: Mapping[str, Mapping[str, Any]],
                      otherwise: Callable[[str], dict[str, Any]]) \
        -> Callable[[str], dict[str, Any]]:
    """Answer a reference from ``recorded``, else with ``otherwise``."""
    by_key = {_key(reference): dict(outputs) for reference, outputs in recorded.items()}

    def resolve(reference: str) -> dict[str, Any]:
        if reference in recorded:
            return dict(recorded[reference])
        if _key(reference) in by_key:
            return by_key[_key(reference)]
        try:
            return otherwise(reference)
        except StudioInfraError as exc:
            raise StudioInfraError(f"{exc} (or record its outputs in --stack-outputs, which "
                                   f"holds {sorted(recorded)})") from None

    return resolve
