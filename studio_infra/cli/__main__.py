"""``python -m studio_infra.cli``: the ``studio-infra`` command, as the planner runs it for
a stack it plans in its own process (``plan.references``)."""

import sys

from studio_infra.cli import main

sys.exit(main())
