"""Audit and teardown under faults: throttling, resets, answers lost after the service acted,
interruptions at every step, slow deletions, paging of one, and look-alike bystanders."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.configprovider
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from studio_infra.cli import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STOPPED,
    EXIT_TIMED_OUT,
    EXIT_VIOLATIONS,
    main,
)
from studio_infra.ops.audit import COULD_NOT_CHECK, audit_domain
from studio_infra.ops.session import THROTTLING_CODES, describe_error, make_session
from studio_infra.ops.teardown import (
    SAGEMAKER_TAG,
    DeadlineReached,
    Teardown,
    TeardownError,
    sagemaker_interface,
)
from studio_infra.resource_types import (
    EC2_VPC,
    IAM_ROLE,
    KMS_KEY,
    S3_BUCKET,
    SAGEMAKER_USER_PROFILE,
)
from tests.faults import FakeSageMaker, Faults, Interrupt, client_error
from tests.test_ops_audit import (  # noqa: F401 (fixture)
    ACCOUNT,
    DOMAIN_ID,
    REGION,
    Setup,
    aws_env,
)
from tests.test_ops_teardown import DOMAIN, OTHER, Leftovers, arn, eni_description


class Clock:
    """Time that passes only when the teardown sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    """A VPC with one domain's leftovers and look-alike bystanders."""

    session: boto3.Session
    vpc: str
    subnet: str
    ours: Leftovers
    theirs: Leftovers
    untagged_fs: str
    mentioning_eni: str
    prefixed_eni: str

    def domain(self) -> dict[str, Any]:
        return {"DomainId": DOMAIN, "DomainArn": arn(DOMAIN), "VpcId": self.vpc,
                "HomeEfsFileSystemId": self.ours.fs, "Status": "InService",
                "DomainName": "team"}

    def bystanders_intact(self) -> bool:
        ec2, efs = self.session.client("ec2"), self.session.client("efs")
        enis = {n["NetworkInterfaceId"] for n in
                ec2.describe_network_interfaces()["NetworkInterfaces"]}
        systems = {f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]}
        return (self.theirs.remaining(self.session) == {
            self.theirs.inbound, self.theirs.outbound, self.theirs.eni, self.theirs.fs}
            and {self.mentioning_eni, self.prefixed_eni} <= enis
            and self.untagged_fs in systems)


@pytest.fixture
def world(aws_env):  # noqa: F811
    with mock_aws():
        session = make_session(REGION)
        ec2, efs = session.client("ec2"), session.client("efs")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/19")["Subnet"]["SubnetId"]
        ours = Leftovers(session, vpc, subnet, DOMAIN)
        theirs = Leftovers(session, vpc, subnet, OTHER)
        untagged = efs.create_file_system(CreationToken="untagged")["FileSystemId"]
        mentioning = ec2.create_network_interface(
            SubnetId=subnet, Description=f"bastion; was used to debug {DOMAIN}",
        )["NetworkInterface"]["NetworkInterfaceId"]
        prefixed = ec2.create_network_interface(
            SubnetId=subnet, Description=eni_description(DOMAIN) + " (copy)",
        )["NetworkInterface"]["NetworkInterfaceId"]
        yield World(session, vpc, subnet, ours, theirs, untagged, mentioning, prefixed)


def teardown(world: World, sagemaker: Any, clock: Clock | None = None,
             **options: Any) -> Teardown:
    clock = clock or Clock()
    clients = {"sagemaker": sagemaker, **options.pop("clients", {})}
    return Teardown(world.session, DOMAIN, log=options.pop("log", lambda _: None),
                    sleep=clock.sleep, clock=clock, delay=1, clients=clients, **options)


def patch_teardown(monkeypatch: pytest.MonkeyPatch, clients: dict[str, Any],
                   **options: Any) -> None:
    """The CLI's teardown with these clients (each run makes its other clients anew)."""
    def made(*args: Any, **kwargs: Any) -> Teardown:
        return Teardown(*args, clients=dict(clients), **options, **kwargs)

    monkeypatch.setattr("studio_infra.ops.teardown.Teardown", made)


# -- teardown: resumable from any point --------------------------------------------------


STEPS = 12
"""Deleting calls of a whole run: app, space, profile, domain, mount target, file system,
network interface, three revokes (the groups' rules), two security groups."""


@pytest.mark.parametrize("at", range(1, STEPS + 2))
def test_interrupted_at_any_step_a_second_run_finishes(world, at):
    fake = FakeSageMaker(world.domain())
    count = [0]
    first = teardown(world, Interrupt(fake, count, at), clients={
        "ec2": Interrupt(world.session.client("ec2"), count, at),
        "efs": Interrupt(world.session.client("efs"), count, at)})
    if at > STEPS:  # past the last step: nothing to interrupt
        first.run()
        assert (count[0], first.report.status) == (STEPS, "complete")
        return
    with pytest.raises(KeyboardInterrupt):
        first.run()
    report = first.report.to_json()
    assert report["status"] == "stopped" and report["reason"] == "interrupted"
    assert report["left"]  # what was not done is named
    second = teardown(world, fake)
    second.run()
    assert second.report.status == "complete", second.report.to_json()
    assert fake.domain is None and not any(fake.items.values())
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()


def test_a_teardown_of_a_deleted_domain_finds_the_rest_by_its_id(world, capsys):
    """The domain is gone (an earlier run stopped after deleting it): the home EFS with its
    mount target, the NFS groups and SageMaker's interface are found by the domain id and
    deleted; the report is the only thing on standard output."""
    code = main(["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes",
                 "--json", "-"])
    printed = capsys.readouterr()
    report = json.loads(printed.out)
    assert code == EXIT_OK, printed.err
    assert report["status"] == "complete" and report["left"] == []
    assert {f"home file system {world.ours.fs}", f"network interface {world.ours.eni}",
            f"security group security-group-for-inbound-nfs-{DOMAIN} ({world.ours.inbound})",
            f"security group security-group-for-outbound-nfs-{DOMAIN} "
            f"({world.ours.outbound})"} <= set(report["deleted"])
    assert any(d.startswith("mount target ") for d in report["deleted"])
    assert "already gone" in printed.err and f"deleted network interface {world.ours.eni}" \
        in printed.err
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()


def test_denied_network_deletes_leave_a_report_and_a_rerun_finishes(world, capsys, monkeypatch,
                                                                    tmp_path):
    fake = FakeSageMaker(world.domain())
    ec2 = Interrupt(world.session.client("ec2"), [0], 1, error=lambda name: client_error(
        "UnauthorizedOperation", name, "You are not authorized to perform this operation."))
    patch_teardown(monkeypatch, clients={"sagemaker": fake, "ec2": ec2}, sleep=lambda _: None)
    out = tmp_path / "report.json"
    command = ["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes",
               "--json", str(out)]
    assert main(command) == EXIT_STOPPED
    err = capsys.readouterr().err
    report = json.loads(out.read_text())
    assert report["status"] == "stopped"
    assert "UnauthorizedOperation" in report["reason"]
    left = {entry["resource"]: entry["why"] for entry in report["left"]}
    assert "UnauthorizedOperation" in left[f"network interface {world.ours.eni}"]
    assert left[f"security group security-group-for-inbound-nfs-{DOMAIN} "
                f"({world.ours.inbound})"].startswith("not reached")
    assert f"home file system {world.ours.fs}" in report["deleted"]
    assert f"deleted network interface {world.ours.eni}" not in err  # said only when done
    assert "run it again to resume" in err and err.strip().splitlines()[-1].startswith("error:")
    patch_teardown(monkeypatch, clients={"sagemaker": fake}, sleep=lambda _: None)
    assert main(command) == EXIT_OK
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()


# -- never a bystander ---------------------------------------------------------------------


def test_interfaces_are_sagemakers_by_their_whole_description():
    def interface(description: str) -> dict[str, Any]:
        return {"Description": description}

    assert sagemaker_interface(interface(eni_description(DOMAIN)), DOMAIN)
    for description in (f"bastion; was used to debug {DOMAIN}", eni_description(OTHER),
                        eni_description(DOMAIN) + " (copy)",
                        eni_description(DOMAIN + "x"), "",
                        eni_description(DOMAIN).replace("[DO NOT DELETE] ", "")):
        assert not sagemaker_interface(interface(description), DOMAIN), description


def test_a_group_referencing_the_nfs_group_is_left_alone_and_named(world):
    ec2 = world.session.client("ec2")
    bastion = ec2.create_security_group(GroupName="bastion", Description="b",
                                        VpcId=world.vpc)["GroupId"]
    rule = {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
            "UserIdGroupPairs": [{"GroupId": world.ours.inbound}]}
    ec2.authorize_security_group_ingress(GroupId=bastion, IpPermissions=[rule])
    run = teardown(world, FakeSageMaker(world.domain()))
    run.run()
    report = run.report.to_json()
    assert report["status"] == "incomplete"
    (left,) = report["left"]
    assert left["resource"].endswith(f"({world.ours.inbound})")
    assert bastion in left["why"] and "not SageMaker's" in left["why"]
    assert world.ours.remaining(world.session) == {world.ours.inbound}
    (kept,) = ec2.describe_security_groups(GroupIds=[bastion])["SecurityGroups"]
    assert [p["UserIdGroupPairs"][0]["GroupId"] for p in kept["IpPermissions"]] == [
        world.ours.inbound]  # the bystander's rule is untouched
    assert world.bystanders_intact()


def test_an_untagged_file_system_named_as_home_is_left_alone(world):
    domain = {**world.domain(), "HomeEfsFileSystemId": world.untagged_fs}
    run = teardown(world, FakeSageMaker(domain))
    run.run()
    assert world.bystanders_intact()
    assert run.report.outcomes[f"home file system {world.untagged_fs}"][0] == "kept"


# -- order and options ---------------------------------------------------------------------


def test_interfaces_go_before_the_groups_they_use(world):
    run = teardown(world, FakeSageMaker(world.domain()))
    run.run()
    eni = run.actions.index(f"network interface {world.ours.eni}")
    groups = [i for i, a in enumerate(run.actions) if a.startswith("security group")]
    fs = run.actions.index(f"home file system {world.ours.fs}")
    assert len(groups) == 2 and fs < eni < min(groups)


def test_keep_home_efs_keeps_the_groups_its_mount_targets_need(world):
    efs = world.session.client("efs")
    fs = efs.create_file_system(CreationToken="kept", Tags=[
        {"Key": SAGEMAKER_TAG, "Value": arn(DOMAIN)}])["FileSystemId"]
    efs.delete_mount_target(MountTargetId=efs.describe_mount_targets(
        FileSystemId=world.ours.fs)["MountTargets"][0]["MountTargetId"])
    efs.delete_file_system(FileSystemId=world.ours.fs)
    efs.create_mount_target(FileSystemId=fs, SubnetId=world.subnet,
                            SecurityGroups=[world.ours.inbound])
    domain = {**world.domain(), "HomeEfsFileSystemId": fs}
    run = teardown(world, FakeSageMaker(domain), keep_home_efs=True)
    run.run()
    report = run.report.to_json()
    assert report["status"] == "complete"
    kept = {entry["resource"]: entry["why"] for entry in report["kept"]}
    assert kept[f"home file system {fs}"] == "--keep-home-efs"
    inbound = f"security group security-group-for-inbound-nfs-{DOMAIN} ({world.ours.inbound})"
    outbound = (f"security group security-group-for-outbound-nfs-{DOMAIN} "
                f"({world.ours.outbound})")
    assert "mount targets use it" in kept[inbound] and "names it" in kept[outbound]
    assert world.ours.remaining(world.session) == {world.ours.inbound, world.ours.outbound}
    assert [fs] == [f["FileSystemId"] for f in efs.describe_file_systems(FileSystemId=fs)[
        "FileSystems"]]
    (group,) = world.session.client("ec2").describe_security_groups(
        GroupIds=[world.ours.inbound])["SecurityGroups"]
    assert group["IpPermissions"]  # its rules stay: the kept files are reached through it


# -- retries and deadlines -----------------------------------------------------------------


def test_throttled_polls_count_as_not_done(world):
    class ThrottledPolls(FakeSageMaker):
        def delete_app(self, **kwargs: Any) -> dict[str, Any]:
            deleted = super().delete_app(**kwargs)
            self.throttle["list_apps"] = 2  # the polls that follow
            return deleted

    fake = ThrottledPolls(world.domain(), polls=3)
    lines: list[str] = []
    run = teardown(world, fake, log=lines.append)
    run.run()
    assert run.report.status == "complete"
    assert sum("ThrottlingException" in line and "not done yet" in line for line in lines) >= 1


def test_a_slow_deletion_stops_at_the_wait_limit_naming_what_is_pending(world, monkeypatch,
                                                                        capsys, tmp_path):
    fake = FakeSageMaker(world.domain(), polls=10_000)
    clock = Clock()
    patch_teardown(monkeypatch, clients={"sagemaker": fake}, sleep=clock.sleep, clock=clock)
    out = tmp_path / "report.json"
    command = ["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes",
               "--json", str(out)]
    assert main([*command, "--wait-timeout", "60"]) == EXIT_TIMED_OUT
    report = json.loads(out.read_text())
    assert report["status"] == "timed out"
    assert "apps to be deleted" in report["reason"] and "app0" in report["reason"]
    assert {"resource": "app JupyterLab/app0 of space0", "why": "deletion requested, not yet "
            "done when the run stopped"} in report["left"]
    assert 60 <= clock.now <= 61
    assert main([*command, "--timeout", "30"]) == EXIT_TIMED_OUT
    assert "--timeout of 30 s passed" in json.loads(out.read_text())["reason"]
    assert "timed out" in capsys.readouterr().err
    assert world.bystanders_intact()


def test_dependency_retries_stop_at_the_wait_limit(world):
    class InUse:
        def __init__(self, client: Any) -> None:
            self.client = client

        def __getattr__(self, name: str) -> Any:
            return getattr(self.client, name)

        def delete_network_interface(self, **kwargs: Any) -> Any:
            raise client_error("InvalidNetworkInterface.InUse", "DeleteNetworkInterface")

    clock = Clock()
    run = teardown(world, FakeSageMaker(world.domain()), clock=clock, wait_limit=100,
                   clients={"ec2": InUse(world.session.client("ec2"))})
    with pytest.raises(DeadlineReached, match="still in use") as raised:
        run.run()
    assert raised.value.pending == [f"network interface {world.ours.eni}"]
    assert clock.now <= 100


def test_botocore_retries_throttling_resets_and_lost_answers(world, monkeypatch):
    faults = Faults(monkeypatch)
    faults.add("DeleteSecurityGroup", "lost")
    faults.add("DeleteNetworkInterface", "reset", "throttle", "lost")
    faults.add("DescribeSecurityGroups", "throttle", "throttle", "throttle")
    faults.add("RevokeSecurityGroupIngress", "lost")
    faults.add("DELETE /2015-02-01/file-systems/", "throttle", "lost")
    run = teardown(world, FakeSageMaker(world.domain()))
    run.run()
    assert run.report.status == "complete", run.report.to_json()
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()
    assert {fault for _, fault in faults.injected} == {"lost", "reset", "throttle"}
    assert len(faults.injected) == 10
    gone = run.report.labels("already gone")  # lost answers: the retry found them done
    assert f"network interface {world.ours.eni}" in gone
    assert f"home file system {world.ours.fs}" in gone


def test_too_few_attempts_stop_the_run_and_more_finish_it(world, monkeypatch, capsys, tmp_path):
    faults = Faults(monkeypatch)
    faults.add("DeleteNetworkInterface", *["throttle"] * 4)
    fake = FakeSageMaker(world.domain())
    patch_teardown(monkeypatch, clients={"sagemaker": fake}, sleep=lambda _: None)
    out = tmp_path / "report.json"
    command = ["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes",
               "--json", str(out)]
    assert main([*command, "--max-attempts", "2"]) == EXIT_STOPPED
    left = {e["resource"]: e["why"] for e in json.loads(out.read_text())["left"]}
    assert "RequestLimitExceeded" in left[f"network interface {world.ours.eni}"]
    assert main([*command, "--max-attempts", "5"]) == EXIT_OK
    assert world.ours.remaining(world.session) == set()


def test_the_retry_configuration_reaches_every_client(aws_env, monkeypatch):  # noqa: F811
    assert {"Throttling", "ThrottlingException", "RequestLimitExceeded"} <= THROTTLING_CODES
    config = make_session(REGION, max_attempts=7).client("ec2").meta.config
    # botocore's total_max_attempts counts the first attempt, as AWS_MAX_ATTEMPTS does
    assert config.retries == {"mode": "standard", "total_max_attempts": 7}
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    config = make_session(REGION).client("sagemaker").meta.config
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 4}
    with pytest.raises(ValueError, match="legacy"):
        make_session(REGION, retry_mode="legacy")


def test_scale_with_pages_of_one(world):
    fake = FakeSageMaker(world.domain(), apps=15, spaces=15, profiles=15, polls=2, page=1)
    run = teardown(world, fake)
    run.run()
    assert run.report.status == "complete"
    assert fake.domain is None and not any(fake.items.values())
    # apps, spaces, profiles, the domain, mount target, file system, interface, 2 groups
    assert len(run.report.labels("deleted")) == 15 * 3 + 1 + 5


# -- the audit fails closed ----------------------------------------------------------------


@pytest.fixture
def setup(aws_env):  # noqa: F811
    with mock_aws():
        yield Setup(boto3.Session(region_name=REGION))


def test_a_read_throttled_on_every_attempt_fails_the_audit(setup, monkeypatch):
    faults = Faults(monkeypatch)
    faults.add("GetKeyRotationStatus", *["throttle"] * 3)
    result = audit_domain(make_session(REGION, max_attempts=3), DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker()})
    (finding,) = result.findings
    assert (finding.policy, finding.enforcement.value, finding.urn) == (
        COULD_NOT_CHECK, "mandatory", setup.key["Arn"])
    assert "ThrottlingException" in finding.message and "rotation" in finding.message
    assert len(faults.injected) == 3  # every attempt botocore made
    assert result.to_json()["unread"] == 1
    assert result.to_json()["expected"] == result.to_json()["read"] + 1


def test_a_reset_read_loses_that_resource_only(setup, monkeypatch):
    faults = Faults(monkeypatch)
    faults.add("backup-policy", *["reset"] * 2)
    result = audit_domain(make_session(REGION, max_attempts=2), DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker()})
    assert [(f.policy, f.urn) for f in result.findings] == [
        (COULD_NOT_CHECK, setup.fs["FileSystemId"])]
    assert "backup policy" in result.findings[0].message
    read_types = {r.type for r in result.resources}
    assert {KMS_KEY, S3_BUCKET, IAM_ROLE,
            EC2_VPC} <= read_types


def test_transient_faults_leave_the_verdict_unchanged(setup, monkeypatch):
    faults = Faults(monkeypatch)
    for operation in ("GetKeyRotationStatus", "DescribeSecurityGroups", "GetRole",
                      "GET /2015-02-01/file-systems"):
        faults.add(operation, "throttle", "reset")
    result = audit_domain(make_session(REGION, max_attempts=5), DOMAIN_ID,
                          clients={"sagemaker": setup.sagemaker()})
    assert result.findings == [] and result.unreadable == []
    assert len(faults.injected) == 8


class AuditSageMaker:
    """SageMaker for the audit: ``profiles`` user profiles listed one per page, every
    ``fail_every``-th description throttled (after botocore's retries; 0: none)."""

    def __init__(self, setup: Setup, profiles: int, fail_every: int) -> None:
        self.setup, self.profiles, self.fail_every = setup, profiles, fail_every

    def describe_domain(self, **kwargs: Any) -> dict[str, Any]:
        return self.setup.domain()

    def list_user_profiles(self, **kwargs: Any) -> dict[str, Any]:
        start = int(kwargs.get("NextToken") or 0)
        page: dict[str, Any] = {"UserProfiles": [{"UserProfileName": f"user{start}"}]}
        if start + 1 < self.profiles:
            page["NextToken"] = str(start + 1)
        return page

    def describe_user_profile(self, UserProfileName: str, **kwargs: Any) -> dict[str, Any]:
        number = int(UserProfileName[4:])
        if self.fail_every and number % self.fail_every == 0:
            raise client_error("ThrottlingException", "DescribeUserProfile", "Rate exceeded")
        return {"UserProfileName": UserProfileName,
                "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/"
                                  f"{DOMAIN_ID}/{UserProfileName}",
                "UserSettings": {"CustomPosixUserConfig": {"Uid": 20000 + number,
                                                           "Gid": 20000 + number}}}

    def list_spaces(self, **kwargs: Any) -> dict[str, Any]:
        return {"Spaces": []}

    def describe_image_version(self, **kwargs: Any) -> dict[str, Any]:
        return {"BaseImage": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/studio/python:v1"}


def test_each_profile_is_its_own_read_at_scale(setup, monkeypatch, tmp_path, capsys):
    fake = AuditSageMaker(setup, profiles=20, fail_every=5)
    import studio_infra.ops.audit as audit_module

    original = audit_module.audit_domain
    monkeypatch.setattr(audit_module, "audit_domain", lambda *args, **kwargs: original(
        *args, clients={"sagemaker": fake}, **kwargs))
    out = tmp_path / "audit.json"
    command = ["audit", "--domain-id", DOMAIN_ID, "--region", REGION, "--json", str(out)]
    assert main(command) == EXIT_VIOLATIONS
    report = json.loads(out.read_text())
    unread = sorted(entry["resource"].rsplit("/", 1)[1] for entry in report["not_read"])
    assert unread == ["user0", "user10", "user15", "user5"]
    assert report["unread"] == 4 and report["expected"] == report["read"] + 4
    profiles = [v for v in report["violations"] if v["policy"] == COULD_NOT_CHECK]
    assert {v["enforcement"] for v in profiles} == {"mandatory"}
    assert f"{report['read']} of {report['expected']} resources read" in capsys.readouterr().out
    assert main([*command, "--allow-unread"]) == EXIT_OK
    assert json.loads(out.read_text())["unread"] == 4


def test_one_failed_profile_read_keeps_the_others(setup):
    client = setup.session.client("sagemaker")
    stub = Stubber(client)
    stub.add_response("describe_domain", setup.domain(), {"DomainId": DOMAIN_ID})
    stub.add_response("list_user_profiles", {"UserProfiles": [
        {"DomainId": DOMAIN_ID, "UserProfileName": n} for n in ("ann", "bob")]})
    stub.add_client_error("describe_user_profile", "ThrottlingException", "Rate exceeded")
    stub.add_response("describe_user_profile", {
        "UserProfileName": "bob", "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
        f"user-profile/{DOMAIN_ID}/bob", "UserSettings": {}})
    stub.add_response("list_spaces", {"Spaces": []})
    stub.add_response("describe_image_version", {
        "BaseImage": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/studio/python:v1"})
    stub.activate()
    result = audit_domain(setup.session, DOMAIN_ID, clients={"sagemaker": client})
    profiles = [r.name for r in result.resources
                if r.type == SAGEMAKER_USER_PROFILE]
    assert profiles == ["bob"]
    assert [u[0].rsplit("/", 1)[1] for u in result.unreadable] == ["ann"]


# -- output --------------------------------------------------------------------------------


def test_region_advice_names_the_variable_botocore_reads(aws_env, monkeypatch, capsys):  # noqa: F811
    # botocore's session variable for the region is AWS_DEFAULT_REGION, not AWS_REGION
    assert botocore.configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES["region"][1] == \
        "AWS_DEFAULT_REGION"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", REGION)
    assert main(["teardown", "--domain-id", DOMAIN, "--yes"]) == EXIT_ERROR
    assert "set AWS_DEFAULT_REGION" in capsys.readouterr().err
    monkeypatch.setenv("AWS_DEFAULT_REGION", "mars-north-1")
    for command in ("teardown", "audit"):
        assert main([command, "--domain-id", DOMAIN]) == EXIT_ERROR
        err = capsys.readouterr().err
        assert "'mars-north-1'" in err and "not an AWS region" in err
        assert len(err.strip().splitlines()) == 1


def test_a_service_error_page_is_one_line_of_code_and_message(aws_env, monkeypatch, capsys):  # noqa: F811
    page = ("<html><head><title>503 Service Unavailable</title></head><body><h1>Service "
            "Unavailable</h1>" + "<p>retry later</p>" * 100 + "</body></html>")
    error = ClientError({"Error": {"Code": "503", "Message": page}}, "DescribeDomain")
    line = describe_error(error)
    assert line.startswith("503: 503 Service Unavailable Service Unavailable retry later")
    assert "<" not in line and "\n" not in line and len(line) <= 310

    def unavailable(self: Teardown) -> None:
        raise error

    monkeypatch.setattr(Teardown, "inventory", unavailable)
    with mock_aws():
        assert main(["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes"]) == \
            EXIT_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DescribeDomain: 503: 503 Service Unavailable" in err


def test_a_failed_delete_is_never_reported_as_done(world):
    lines: list[str] = []
    ec2 = Interrupt(world.session.client("ec2"), [0], 1, error=lambda name: client_error(
        "UnauthorizedOperation", name))
    run = teardown(world, FakeSageMaker(world.domain()), log=lines.append,
                   clients={"ec2": ec2})
    with pytest.raises(TeardownError, match="could not delete network interface"):
        run.run()
    assert not any(world.ours.eni in line and line.startswith("deleted") for line in lines)
    assert f"deleted home file system {world.ours.fs}" in lines


def test_random_faults_beneath_botocore_at_ten_percent(world, monkeypatch):
    """Every service (SageMaker served by the fake beneath botocore, EC2 and EFS by moto)
    throttles, resets or loses one answer in ten: with one attempt a run stops (and says
    what is left); with botocore's retries the next run finishes."""
    fake = FakeSageMaker(world.domain(), apps=8, spaces=8, profiles=8, polls=2, page=2)
    faults = Faults(monkeypatch, rate=0.1, seed=7, kinds=("throttle", "reset", "lost"))
    faults.serve("SageMaker", fake)
    clock = Clock()

    def run(attempts: int) -> Teardown:
        session = make_session(REGION, max_attempts=attempts)
        teardown = Teardown(session, DOMAIN, log=lambda _: None, sleep=clock.sleep,
                            clock=clock, delay=1)
        with contextlib.suppress(TeardownError):
            teardown.run()
        return teardown

    stopped = run(1)
    assert stopped.report.status == "stopped" and stopped.report.reason
    finished = run(10)
    assert finished.report.status == "complete", finished.report.to_json()
    assert fake.domain is None and not any(fake.items.values())
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()
    assert {kind for _, kind in faults.injected} == {"throttle", "reset", "lost"}


def test_an_unforeseen_error_still_writes_the_report(world, monkeypatch, capsys, tmp_path):
    class Broken(FakeSageMaker):
        def delete_domain(self, **kwargs: Any) -> dict[str, Any]:
            raise RuntimeError("a bug")

    patch_teardown(monkeypatch, clients={"sagemaker": Broken(world.domain())},
                   sleep=lambda _: None)
    out = tmp_path / "report.json"
    assert main(["teardown", "--domain-id", DOMAIN, "--region", REGION, "--yes",
                 "--json", str(out)]) == EXIT_ERROR
    report = json.loads(out.read_text())
    assert report["status"] == "stopped" and report["reason"] == "a bug"
    assert "user profile user0" in report["deleted"]
    assert "RuntimeError: a bug" in capsys.readouterr().err


def test_destroy_time_cleanup_names_what_it_had_to_leave(world):
    from studio_infra.ops.teardown import clean_vpc_after_deleted_domains

    ec2 = world.session.client("ec2")
    bastion = ec2.create_security_group(GroupName="bastion", Description="b",
                                        VpcId=world.vpc)["GroupId"]
    ec2.authorize_security_group_egress(GroupId=bastion, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
        "UserIdGroupPairs": [{"GroupId": world.ours.outbound}]}])
    live = FakeSageMaker({**world.domain(), "DomainId": OTHER})
    with pytest.raises(TeardownError, match=f"left of domain {DOMAIN}: .*{bastion}"):
        clean_vpc_after_deleted_domains(world.session, world.vpc, delete_home_efs=True,
                                        log=lambda _: None, clients={"sagemaker": live})
    assert world.ours.remaining(world.session) == {world.ours.outbound}
    assert world.bystanders_intact()


def test_a_group_named_like_ours_but_tagged_for_another_domain_is_not_ours(world):
    """Only a group with SageMaker's exact name *and* SageMaker's tag not naming another
    domain is taken: an impostor named like our NFS group in another VPC, tagged with
    another domain's ARN, stays."""
    ec2 = world.session.client("ec2")
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    impostor = ec2.create_security_group(
        GroupName=f"security-group-for-inbound-nfs-{DOMAIN}", Description="x",
        VpcId=other_vpc, TagSpecifications=[{"ResourceType": "security-group", "Tags": [
            {"Key": SAGEMAKER_TAG, "Value": arn(OTHER)}]}])["GroupId"]
    untagged = ec2.create_security_group(
        GroupName=f"security-group-for-outbound-nfs-{DOMAIN}", Description="x",
        VpcId=other_vpc)["GroupId"]
    run = teardown(world, FakeSageMaker(world.domain()))
    fake_gone = teardown(world, FakeSageMaker(world.domain()))
    fake_gone.clients["sagemaker"].domain = None  # and once the domain is gone
    for each in (run, fake_gone):
        each.run()
        assert each.report.status == "complete"
    groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert {impostor, untagged} <= groups
    assert world.ours.remaining(world.session) == set()
    assert world.bystanders_intact()
