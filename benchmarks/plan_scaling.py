"""What each added user costs the planner, against bare mocked registration.

Plans the default stack (keys, network, sharing bucket, shared EFS, images, domain) without
users and with 300 and 1,000, and registers as many raw resources with Pulumi's bare
``set_mocks`` (a trivial ``Mocks``, ``benchmarks/plan_overhead.py``), in the same process
under the planner's garbage-collection settings, rounds interleaved so drift hits both alike.

The fixed cost of a run (imports warmed, the stack without users) is not what grows with a
deployment, so the figure of merit is the marginal cost per added resource,
``(t(N) - t(N0)) / (resources(N) - resources(N0))``, for the planner (N0: no users) and for
bare registration (N0: as many resources as the stack without users); ``ratio`` is their
quotient, the planner's cost per added user resource against bare registration's.

That cost is the program's as well as the planner's: the components' own work (validation,
three invokes per component for the account, region and partition) runs in it. To tell them
apart the same program also runs on Pulumi's stock ``MockMonitor`` with the planner's fakes,
everything the planner does but recording (``stock``); ``recording`` is the planner's
marginal cost against that. Prints the medians of ``--rounds`` rounds.

    python benchmarks/plan_scaling.py [--users 300 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pulumi
from plan_overhead import bare_run, synthetic_program

from studio_infra.compat import reset_runtime, run_program
from studio_infra.plan.fakes import AwsFakes
from studio_infra.plan.runner import batch_garbage_collection, run_under_mocks
from studio_infra.studio import Studio

ROOT = Path(__file__).parent.parent
IMAGE = {"name": "python-minimal", "build": {"context": "stacks/images/python-minimal"}}
TARGET = 1.3
"""The planner may cost at most this many times bare registration per added resource."""


TEAM_SIZE = 10
"""Users per team: a file system per user stops near 200 users in two zones (EFS allows 400
mount targets per VPC, ``studio_infra.file_boundaries``), so a large Studio is planned with
a file system per team, as such a deployment would be."""


def studio_program(users: int):
    teams = [f"team{t:03d}" for t in range(-(-users // TEAM_SIZE))]
    config = {"network": {"nat": "single"}, "images": [IMAGE],
              "domain": {"images": ["python-minimal"]},
              "shared_efs": {"boundary": "team"},
              "teams": [{"name": team} for team in teams],
              "users": [{"name": f"user{i:04d}", "team": teams[i // TEAM_SIZE]}
                        for i in range(users)]}
    return lambda: Studio("studio", config)


def plan_once(users: int) -> tuple[float, int]:
    """Seconds to plan the default stack with ``users``, and the resources it registers."""
    start = time.perf_counter()
    plan = run_under_mocks(studio_program(users), project="bench", stack="bench",
                           config={"aws:region": "us-east-1"})
    return time.perf_counter() - start, len(plan.resources) - 1  # minus the stack


async def _nothing() -> None:
    pass


def stock_once(users: int) -> float:
    """Seconds to run the same program on the stock ``MockMonitor`` with the planner's fakes,
    called as the planner calls it (the event loop idle), under the same GC settings."""
    program = studio_program(users)
    reset_runtime()
    start = time.perf_counter()
    with batch_garbage_collection():
        pulumi.runtime.set_mocks(AwsFakes(region="us-east-1"), project="bench", stack="bench",
                                 preview=False)
        pulumi.runtime.set_all_config({"aws:region": "us-east-1"}, [])
        try:
            program()
        finally:
            run_program(_nothing)
    elapsed = time.perf_counter() - start
    pulumi.runtime.set_all_config({}, [])
    reset_runtime()
    return elapsed


def bare_once(resources: int) -> float:
    """Seconds to register ``resources`` with bare mocks, under the planner's GC settings."""
    return bare_run(synthetic_program(resources), same_gc=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    plan_once(1)  # warm imports and caches on every path
    stock_once(1)
    bare_once(10)
    sizes = [0, *args.users]
    resources: dict[int, int] = {}
    times: dict[str, dict[int, list[float]]] = {
        kind: {users: [] for users in sizes} for kind in ("plan", "stock", "bare")}
    for _ in range(args.rounds):
        for users in sizes:
            seconds, resources[users] = plan_once(users)
            times["plan"][users].append(seconds)
            times["stock"][users].append(stock_once(users))
            times["bare"][users].append(bare_once(resources[users]))
    median = {kind: {users: statistics.median(t) for users, t in by_users.items()}
              for kind, by_users in times.items()}
    print(f"default stack without users: {resources[0]} resources; plan "
          f"{median['plan'][0]:.2f} s, stock {median['stock'][0]:.2f} s, bare "
          f"{median['bare'][0]:.2f} s (medians of {args.rounds} rounds)")
    print(f"{'users':>6}  {'resources':>9}  {'plan (s)':>8}  {'stock (s)':>9}  {'bare (s)':>8}"
          f"  {'ms per added resource: plan':>27}  {'stock':>5}  {'bare':>5}  {'ratio':>5}"
          f"  {'recording':>9}")
    ratios = []
    for users in args.users:
        added = resources[users] - resources[0]
        plan, stock, bare = ((median[kind][users] - median[kind][0]) / added * 1000
                             for kind in ("plan", "stock", "bare"))
        ratios.append(plan / bare)
        print(f"{users:>6}  {resources[users]:>9}  {median['plan'][users]:>8.2f}  "
              f"{median['stock'][users]:>9.2f}  {median['bare'][users]:>8.2f}  {plan:>27.2f}  "
              f"{stock:>5.2f}  {bare:>5.2f}  {plan / bare:>5.2f}  {plan / stock:>9.2f}")
    verdict = "within" if max(ratios) <= TARGET else "over"
    print(f"ratio (planner / bare registration, per added resource): {verdict} {TARGET}x")


if __name__ == "__main__":
    main()
