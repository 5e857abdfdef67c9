"""Audit and teardown at scale with faults beneath botocore's retries.

A moto account holds a domain's leftovers (home EFS with a mount target, the two NFS
groups, SageMaker's interface) and another domain's as bystanders; SageMaker (moto has no
apps, spaces or profiles) is the tests' fake served *beneath* botocore, so botocore
serializes, parses and retries every call as it would against AWS. Every call of every
service fails with probability ``--rate`` (throttled, by default), seeded.

- teardown: ``--profiles`` profiles, twice as many spaces, three times as many apps, lists
  paged ``--page`` at a time, deletions taking two polls; per ``--attempts`` value and seed:
  how many deletes were done, the final status, the faults injected, the wall time.
- audit: the tests' hardened account with ``--profiles`` profiles (listed one per page):
  resources expected, read and unread, and whether the audit fails (it must, when a read
  failed after the retries).

    python benchmarks/ops_faults.py [--profiles 200] [--rate 0.1] [--attempts 3 10]
                                    [--seeds 1 2 3] [--page 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

import boto3
import pytest
from moto import mock_aws

from studio_infra.ops.audit import audit_domain
from studio_infra.ops.session import make_session
from studio_infra.ops.teardown import Teardown, TeardownError
from tests.faults import FakeSageMaker, Faults
from tests.test_ops_audit import DOMAIN_ID, REGION, Setup
from tests.test_ops_faults import AuditSageMaker
from tests.test_ops_teardown import DOMAIN, OTHER, Leftovers, arn


def teardown_run(profiles: int, page: int, rate: float, attempts: int, seed: int) -> str:
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        session = boto3.Session(region_name=REGION)
        ec2 = session.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/19")["Subnet"]["SubnetId"]
        ours = Leftovers(session, vpc, subnet, DOMAIN)
        Leftovers(session, vpc, subnet, OTHER)
        fake = FakeSageMaker({"DomainId": DOMAIN, "DomainArn": arn(DOMAIN), "VpcId": vpc,
                              "HomeEfsFileSystemId": ours.fs, "Status": "InService"},
                             apps=3 * profiles, spaces=2 * profiles, profiles=profiles,
                             polls=2, page=page)
        expected = 6 * profiles + 1 + 5  # apps, spaces, profiles; the domain; the network
        faults = Faults(patch, rate=rate, seed=seed)
        faults.serve("SageMaker", fake)
        teardown = Teardown(make_session(REGION, max_attempts=attempts), DOMAIN,
                            log=lambda _: None, sleep=lambda _: None, delay=0)
        start = time.perf_counter()
        with contextlib.suppress(TeardownError):
            teardown.run()
        elapsed = time.perf_counter() - start
        done = len(teardown.report.labels("deleted")) + \
            len(teardown.report.labels("already gone"))
        return (f"attempts {attempts:>2} seed {seed}: {teardown.report.status:<9} "
                f"{done:>5}/{expected} deleted, {len(faults.injected):>4} faults in "
                f"{len(faults.calls):>5} calls, {elapsed:6.1f} s")


def audit_run(profiles: int, rate: float, attempts: int, seed: int) -> str:
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        setup = Setup(boto3.Session(region_name=REGION))
        faults = Faults(patch, rate=rate, seed=seed)
        faults.serve("SageMaker", AuditSageMaker(setup, profiles=profiles, fail_every=0))
        start = time.perf_counter()
        result = audit_domain(make_session(REGION, max_attempts=attempts), DOMAIN_ID)
        elapsed = time.perf_counter() - start
        verdict = "FAILS" if result.mandatory else "passes"
        return (f"attempts {attempts:>2} seed {seed}: {len(result.expected):>4} expected, "
                f"{len(result.read):>4} read, {len(result.unreadable):>3} unread; audit "
                f"{verdict}; {len(faults.injected):>4} faults, {elapsed:5.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--attempts", type=int, nargs="+", default=[3, 10])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--page", type=int, default=10)
    args = parser.parse_args()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION}.items():
        os.environ[key] = value
    print(f"teardown: {args.profiles} profiles, {2 * args.profiles} spaces, "
          f"{3 * args.profiles} apps, pages of {args.page}, {args.rate:.0%} of calls throttled")
    for attempts in args.attempts:
        for seed in args.seeds:
            print("  " + teardown_run(args.profiles, args.page, args.rate, attempts, seed),
                  flush=True)
    print(f"audit: {args.profiles} profiles, one per page, {args.rate:.0%} of calls throttled")
    for attempts in args.attempts:
        for seed in args.seeds:
            print("  " + audit_run(args.profiles, args.rate, attempts, seed), flush=True)


if __name__ == "__main__":
    main()
