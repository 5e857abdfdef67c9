"""``studio-infra schema``: the Pulumi package schema the component provider serves.

It is what ``GetSchema`` returns to ``pulumi package add`` (inferred by Pulumi's analyzer from
the classes ``studio_infra.provider.derive`` derives from the components), indented for
reading. ``studio_infra/provider/schema.json`` is the committed copy, so a change of the API
other languages see shows in review; ``--write`` refreshes it."""

from __future__ import annotations

import argparse

from studio_infra.cli.exits import EXIT_OK
from studio_infra.cli.options import Commands, command


def add_parser(commands: Commands) -> None:
    """The ``schema`` command and its options."""
    schema = command(commands, "schema", run,
                     help="print the Pulumi schema of the component provider")
    schema.add_argument("--write", action="store_true",
                        help="also write it to studio_infra/provider/schema.json")


def run(args: argparse.Namespace) -> int:
    """Print the Pulumi package schema the studio-infra component provider serves to
    TypeScript, Go, C#, Java and YAML programs."""
    from studio_infra.provider.host import SCHEMA_FILE, schema_text

    text = schema_text()
    print(text, end="")
    if args.write:
        SCHEMA_FILE.write_text(text)
    return EXIT_OK
