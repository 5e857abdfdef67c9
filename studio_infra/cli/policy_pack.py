"""``studio-infra policy-pack``: the folder of the policy pack installed with this package,
for ``pulumi preview --policy-pack`` and ``pulumi policy publish``."""

from __future__ import annotations

import argparse

from studio_infra.cli.exits import EXIT_OK
from studio_infra.cli.options import Commands, command


def add_parser(commands: Commands) -> None:
    """The ``policy-pack`` command and its options."""
    command(commands, "policy-pack", run, help="print the folder of the installed policy pack")


def run(args: argparse.Namespace) -> int:
    """Print the folder of the policy pack installed with this package, for `pulumi preview
    --policy-pack "$(studio-infra policy-pack)"` and `pulumi policy publish`. The pack runs in
    the Python environment on PATH, which must have studio-infra installed."""
    from studio_infra.policy_pack import pack_directory

    print(pack_directory())
    return EXIT_OK
