"""The network a ``VpcOnly`` Studio domain lives in: settings, pure layout, rules, endpoints.

* ``settings``: ``StudioNetworkArgs`` and ``ExistingNetwork``, checked on arrival;
* ``layout``: from the settings alone, each subnet's zone and block, NAT placement and every
  resource name (no Pulumi), so what a change renames is testable without a plan;
* ``security``: the apps' security-group rules as data;
* ``endpoints``: the VPC endpoint catalog, named sets and endpoint policies (the data
  perimeter); ``studio_infra.endpoints`` keeps its old path;
* ``component``: ``StudioNetwork``, registering what the layout says.

``StudioNetwork`` loads on first use, so code that reads only the catalog or the layout (the
rules, the command-line tool) does not import the AWS provider SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from studio_infra.network.layout import (
    MAX_SUBNET_PREFIX as MAX_SUBNET_PREFIX,
)
from studio_infra.network.layout import (
    MIN_SUBNET_PREFIX as MIN_SUBNET_PREFIX,
)
from studio_infra.network.layout import NatMode as NatMode
from studio_infra.network.layout import NetworkLayout as NetworkLayout
from studio_infra.network.layout import VpcLayout as VpcLayout
from studio_infra.network.layout import ZoneLayout as ZoneLayout
from studio_infra.network.layout import nat_routes as nat_routes
from studio_infra.network.layout import network_layout as network_layout
from studio_infra.network.layout import plan_subnets as plan_subnets
from studio_infra.network.security import APP_PORTS as APP_PORTS
from studio_infra.network.security import HTTPS_PORT as HTTPS_PORT
from studio_infra.network.security import NFS_PORT as NFS_PORT
from studio_infra.network.security import app_rules as app_rules
from studio_infra.network.settings import LOG_RETENTION_DAYS as LOG_RETENTION_DAYS
from studio_infra.network.settings import ExistingNetwork as ExistingNetwork
from studio_infra.network.settings import StudioNetworkArgs as StudioNetworkArgs

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads it
    from studio_infra.network.component import StudioNetwork as StudioNetwork


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt import is an error there

    def __getattr__(name: str) -> Any:
        if name == "StudioNetwork":
            return importlib.import_module("studio_infra.network.component").StudioNetwork
        raise AttributeError(f"module 'studio_infra.network' has no attribute {name!r}")

    def __dir__() -> list[str]:
        """The names loaded on first use too, as an eagerly importing module would list."""
        return sorted({*globals(), "StudioNetwork"})
