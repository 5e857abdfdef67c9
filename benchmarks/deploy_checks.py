"""What the deploy checks cost beside the plan they judge.

Plans the default stack with N users, then evaluates the deploy checks (botocore models, the
IAM database, the documented rules) on it, and prints both times and their ratio; then every
rule (security, deploy, Studio needs), for the whole cost of judging a plan. The first
evaluation in a process also reads the models and the IAM database; that one-time load is
printed apart.

    python benchmarks/deploy_checks.py [--users 10 100 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from plan_scaling import ROOT, studio_program

from studio_infra.plan.runner import run_under_mocks
from studio_infra.rules import RULES
from studio_infra.rules.engine import evaluate, stack_from_plan
from studio_infra.rules.model import Category

DEPLOY = [rule for rule in RULES if rule.category is Category.DEPLOY]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.chdir(ROOT)
    small = run_under_mocks(studio_program(1), project="bench", stack="bench",
                            config={"aws:region": "us-east-1"})
    start = time.perf_counter()
    evaluate(stack_from_plan(small.resources), rules=DEPLOY)
    print(f"first evaluation (reads botocore's models and the IAM database): "
          f"{time.perf_counter() - start:.2f} s")
    print(f"{'users':>6}  {'resources':>9}  {'plan (s)':>8}  {'checks (s)':>10}  {'ratio':>6}"
          f"  {'all rules (s)':>13}  {'ratio':>6}")
    for users in args.users:
        plans, checks, everything = [], [], []
        resources = 0
        for _ in range(args.rounds):
            start = time.perf_counter()
            plan = run_under_mocks(studio_program(users), project="bench", stack="bench",
                                   config={"aws:region": "us-east-1"})
            plans.append(time.perf_counter() - start)
            resources = len(plan.resources) - 1
            start = time.perf_counter()
            findings = evaluate(stack_from_plan(plan.resources), rules=DEPLOY)
            checks.append(time.perf_counter() - start)
            assert not findings, findings[:3]
            start = time.perf_counter()
            findings = evaluate(stack_from_plan(plan.resources))
            everything.append(time.perf_counter() - start)
            assert not findings, findings[:3]
        planned, checked = statistics.median(plans), statistics.median(checks)
        judged = statistics.median(everything)
        print(f"{users:>6}  {resources:>9}  {planned:>8.2f}  {checked:>10.2f}  "
              f"{checked / planned:>6.1%}  {judged:>13.2f}  {judged / planned:>6.1%}")


if __name__ == "__main__":
    main()
