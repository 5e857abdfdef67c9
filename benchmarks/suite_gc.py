"""What the test processes' garbage-collection policy saves: the README's test command run
with it and with Python's own settings (``STUDIO_INFRA_TEST_GC=python``), in turns.

The suite keeps a large heap alive (botocore's models, shared plans, pulumi-aws), which
Python's collector rescans whenever the oldest generation grows by a quarter;
``tests/conftest.py`` collects the youngest generation less often and freezes what each test
module leaves alive. Prints each run's wall time and the median of each policy. Run it on a
quiet machine: each run takes most of a minute.

    python benchmarks/suite_gc.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ("tuned", "python")


def run_suite(policy: str) -> float:
    env = {**os.environ, "STUDIO_INFRA_TEST_GC": policy}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the suite failed with {policy} garbage collection:\n"
                 f"{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {policy: [] for policy in POLICIES}
    for round_ in range(1, rounds + 1):
        # Alternate which runs first: a machine warming up favours neither.
        for policy in POLICIES if round_ % 2 else reversed(POLICIES):
            seconds = run_suite(policy)
            times[policy].append(seconds)
            print(f"round {round_}: {policy:6} {seconds:5.1f} s", flush=True)
    for policy, measured in times.items():
        print(f"{policy:6} median {statistics.median(measured):5.1f} s over {len(measured)} runs")
    tuned, python = (statistics.median(times[p]) for p in ("tuned", "python"))
    print(f"saved: {python - tuned:4.1f} s ({(python - tuned) / python:.0%})")


if __name__ == "__main__":
    main()
