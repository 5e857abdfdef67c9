"""What recording costs: the plan runner versus Pulumi's bare mocks on the same program.

The program registers N raw resources (a VPC, then subnets, security groups and buckets that
reference it), so both runs pay for serialization and dependency tracking. The bare run is
what a unit test with ``pulumi.runtime.set_mocks`` and a trivial ``Mocks`` costs; the plan
run adds full request capture and AWS-shaped outputs, and collects garbage less often while
the program runs. So two ratios are printed: against bare mocks as a test suite runs them,
and against bare mocks under the same garbage-collection settings (the cost of recording
alone). Prints the median of several rounds.

    python benchmarks/plan_overhead.py [--rounds 5] [--sizes 100 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import pulumi
import pulumi_aws as aws

from studio_infra.compat import reset_runtime, run_program
from studio_infra.plan.runner import batch_garbage_collection, run_under_mocks


def synthetic_program(n: int):
    def program() -> None:
        vpc = aws.ec2.Vpc("bench-vpc", cidr_block="10.0.0.0/16")
        for i in range(n - 1):
            kind = i % 3
            if kind == 0:
                aws.ec2.Subnet(f"bench-subnet-{i}", vpc_id=vpc.id, cidr_block="10.0.0.0/24",
                               tags={"index": str(i)})
            elif kind == 1:
                aws.ec2.SecurityGroup(f"bench-sg-{i}", vpc_id=vpc.id, description="bench")
            else:
                aws.s3.Bucket(f"bench-bucket-{i}", tags={"index": str(i)})
    return program


class BareMocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return f"{args.name}_id", args.inputs

    def call(self, args):
        return {}


def bare_run(program, same_gc: bool = False) -> float:
    reset_runtime()
    gc_settings = batch_garbage_collection() if same_gc else contextlib.nullcontext()
    start = time.perf_counter()
    with gc_settings:
        pulumi.runtime.set_mocks(BareMocks(), project="bench", stack="bench", preview=False)
        run_program(program)
    return time.perf_counter() - start


def plan_run(program) -> float:
    start = time.perf_counter()
    plan = run_under_mocks(program, project="bench", stack="bench")
    elapsed = time.perf_counter() - start
    assert len([r for r in plan.resources if r.custom]) > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    plan_run(synthetic_program(10))  # warm imports and caches for both paths
    bare_run(synthetic_program(10))
    print(f"{'resources':>9}  {'bare (s)':>8}  {'bare, same gc (s)':>17}  {'plan (s)':>8}  "
          f"{'ratio':>5}  {'ratio, same gc':>14}")
    for n in args.sizes:
        program = synthetic_program(n)
        bare, bare_gc, planned = [], [], []
        for _ in range(args.rounds):  # interleave so drift hits every side alike
            bare.append(bare_run(program))
            bare_gc.append(bare_run(program, same_gc=True))
            planned.append(plan_run(program))
        b, g, p = (statistics.median(x) for x in (bare, bare_gc, planned))
        print(f"{n:>9}  {b:>8.3f}  {g:>17.3f}  {p:>8.3f}  {p / b:>5.2f}  {p / g:>14.2f}")


if __name__ == "__main__":
    main()
