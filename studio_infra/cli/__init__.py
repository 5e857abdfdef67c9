"""The ``studio-infra`` command: a thin shell over the library.

Exit codes are part of the contract CI scripts rely on (``exits`` lists them: 0 success,
1 a mandatory finding, 2 a stopped command, 3 and 4 a teardown that stopped or timed out).
A mistake is one readable line naming what to fix; ``--debug`` adds the traceback.

One module per command (``plan``, ``preview``, ``audit``, ``teardown``, ``policy_pack``,
``rules``, ``schema``), each with its options and what it does; the parts they share are ``exits``
(the codes), ``options``, ``files``, ``failures`` and ``aws_session``. The names this
module had when it was a single file are still imported from here (``EXIT_*``, ``main``,
``rules_table``, ``program_failure``, ``_parser``, ``_aws_session``), and the console
script (``studio_infra.cli:main``) and ``python -m studio_infra.cli`` still run it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

from studio_infra.cli.aws_session import DOMAIN_ID, aws_session
from studio_infra.cli.exits import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STOPPED,
    EXIT_TIMED_OUT,
    EXIT_VIOLATIONS,
    UsageError,
)
from studio_infra.cli.failures import FAILURE_REPORTS, fail
from studio_infra.cli.parser import build_parser
from studio_infra.cli.plan import program_failure
from studio_infra.cli.rules import rules_table

__all__ = ["DOMAIN_ID", "EXIT_ERROR", "EXIT_OK", "EXIT_STOPPED", "EXIT_TIMED_OUT",
           "EXIT_VIOLATIONS", "UsageError", "main", "program_failure", "rules_table"]

_parser = build_parser
"""The parser, by the name it had when the command was one module."""
_aws_session = aws_session
"""The session every AWS command uses, looked up here when the command runs
(``aws_session.command_session``): replace it here to run a command without AWS."""


def main(argv: Sequence[str] | None = None) -> int:
    from studio_infra.plan.runner import quiet_sdk_coroutine_warnings

    quiet_sdk_coroutine_warnings()
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        parser.print_help()
        return EXIT_OK
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or argparse's own usage message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    debug = bool(args.debug)  # every command takes it (options.command)
    FAILURE_REPORTS[:] = [args]  # what a failure still writes (`fail`)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        with contextlib.suppress(Exception):
            sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return fail("interrupted; nothing more was done", debug)
    except UsageError as exc:
        return fail(str(exc), debug)
    except Exception as exc:  # every other failure is a message, never a bare traceback
        from studio_infra.errors import StudioInfraError

        if isinstance(exc, StudioInfraError):
            return fail(str(exc), debug)
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError | BotoCoreError):  # a service's page: code and message
            from studio_infra.ops.session import describe_error

            operation = getattr(exc, "operation_name", "")
            return fail(f"{operation + ': ' if operation else ''}{describe_error(exc)}",
                        debug, exc)
        return fail(f"{type(exc).__name__}: {exc}", debug, exc)
