"""The exit codes of ``studio-infra`` and the mistake that exits with 2.

Exit codes are part of the contract CI scripts rely on: 0 success, 1 a mandatory finding
(and nothing else), 2 anything that stopped the command (bad arguments, files, project,
config, credentials, an interrupted prompt or run). ``teardown`` adds 3 (it stopped after
it began deleting: an error or an interruption; its report says what is left, and running
it again resumes) and 4 (its ``--timeout`` or a wait's limit passed; the report says what is
still pending). They are written once, here, for every command and the tests.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
EXIT_STOPPED = 3
EXIT_TIMED_OUT = 4


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit 2."""
