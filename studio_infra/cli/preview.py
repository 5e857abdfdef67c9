"""``studio-infra preview``: the real ``pulumi preview``, with this package's policy pack.

Needs the Pulumi CLI, a backend login and AWS credentials (``plan`` needs none of them); the
pack runs in this interpreter, where studio-infra is installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio_infra.cli.exits import UsageError
from studio_infra.cli.files import check_readable, project_policy_config
from studio_infra.cli.options import Commands, command, project_options


def add_parser(commands: Commands) -> None:
    """The ``preview`` command and its options."""
    preview = command(commands, "preview", run,
                      help="pulumi preview with the policy pack (needs the Pulumi CLI)")
    project_options(preview)


def run(args: argparse.Namespace) -> int:
    """Run `pulumi preview` on DIR with this package's policy pack: the real preview against
    your AWS account. Needs the Pulumi CLI, a backend login and AWS credentials; `studio-infra
    plan` needs none of them."""
    import os
    import shutil
    import subprocess

    from studio_infra.policy_pack import pack_directory

    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise UsageError("the Pulumi CLI is not installed, and a real preview needs it: "
                         "install it (https://www.pulumi.com/docs/install/), log in to a "
                         "backend and set AWS credentials; or run `studio-infra plan` for an "
                         "offline plan checked by the same rules")
    if not (Path(args.directory) / "Pulumi.yaml").is_file() and \
            not (Path(args.directory) / "Pulumi.yml").is_file():
        raise UsageError(f"{args.directory} is not a Pulumi project: no Pulumi.yaml there")
    command = [pulumi, "preview", "--cwd", args.directory, "--stack", args.stack,
               "--policy-pack", str(pack_directory())]
    config_file = args.policy_config or project_policy_config(args.directory)
    if config_file:
        check_readable(config_file, "policy config")
        command += ["--policy-pack-config", str(Path(config_file).resolve())]
    print("+ " + " ".join(command), file=sys.stderr)
    # The pack runs in this interpreter, where studio-infra is installed.
    env = {**os.environ, "PULUMI_PYTHON_CMD": sys.executable}
    return subprocess.run(command, check=False, env=env).returncode
