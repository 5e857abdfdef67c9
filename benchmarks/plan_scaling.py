"""How planning the default stack scales with users.

Plans the default stack (keys, network, sharing bucket, shared EFS, images, domain) with 10,
100 and 1000 users, and prints the wall time, the resources each user adds, and the cost per
registered resource against bare mocked registration (Pulumi's ``set_mocks`` with a trivial
``Mocks``, registering the same number of resources, under the planner's garbage-collection
settings).

    python benchmarks/plan_scaling.py [--users 10 100 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from plan_overhead import bare_run, synthetic_program

from studio_infra.plan.runner import run_under_mocks
from studio_infra.studio import Studio

ROOT = Path(__file__).parent.parent
IMAGE = {"name": "python-minimal", "build": {"context": "stacks/images/python-minimal"}}


def studio_program(users: int):
    config = {"network": {"nat": "single"}, "images": [IMAGE],
              "domain": {"images": ["python-minimal"]},
              "users": [{"name": f"user{i:04d}"} for i in range(users)]}
    return lambda: Studio("studio", config)


def plan_once(users: int) -> tuple[float, int]:
    start = time.perf_counter()
    plan = run_under_mocks(studio_program(users), project="bench", stack="bench",
                           config={"aws:region": "us-east-1"})
    return time.perf_counter() - start, len(plan.resources) - 1  # minus the stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    plan_once(1)  # warm imports
    baseline_seconds, baseline_resources = plan_once(0)
    print(f"default stack without users: {baseline_resources} resources, "
          f"{baseline_seconds:.2f} s")
    print(f"{'users':>6}  {'resources':>9}  {'per user':>8}  {'plan (s)':>8}  "
          f"{'bare (s)':>8}  {'ratio':>5}")
    for users in args.users:
        timings, bare = [], []
        resources = 0
        for _ in range(args.rounds):
            seconds, resources = plan_once(users)
            timings.append(seconds)
            bare.append(bare_run(synthetic_program(resources), same_gc=True))
        planned, baseline = statistics.median(timings), statistics.median(bare)
        per_user = (resources - baseline_resources) / users
        print(f"{users:>6}  {resources:>9}  {per_user:>8.1f}  {planned:>8.2f}  "
              f"{baseline:>8.2f}  {planned / baseline:>5.2f}")


if __name__ == "__main__":
    main()
