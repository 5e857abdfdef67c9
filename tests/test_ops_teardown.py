"""Teardown: the order AWS requires, scoped to one domain, bounded retries, dry runs, reruns."""

from __future__ import annotations

import functools
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from studio_infra.cleanup import _AppsCleanupProvider, _NetworkCleanupProvider
from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from studio_infra.ops.teardown import (
    SAGEMAKER_TAG,
    Teardown,
    TeardownError,
    clean_vpc_after_deleted_domains,
)
from tests.test_ops_audit import ACCOUNT, REGION, aws_env  # noqa: F401 (fixture)

DOMAIN = "d-firstfirst01"
OTHER = "d-secondsecond"


def arn(domain_id: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{domain_id}"


def eni_description(domain_id: str) -> str:
    """The description SageMaker gives a domain's network interfaces (see ENI_DESCRIPTION)."""
    return (f"[DO NOT DELETE] ENI managed by SageMaker for Studio Domain({domain_id}) - "
            "a09d795df1d5926f328cb6564db19ab2")


class Leftovers:
    """What SageMaker creates in a VPC for a domain: NFS groups, an ENI, the home EFS."""

    def __init__(self, session: boto3.Session, vpc: str, subnet: str, domain_id: str) -> None:
        ec2, efs = session.client("ec2"), session.client("efs")
        tags = [{"ResourceType": "security-group",
                 "Tags": [{"Key": SAGEMAKER_TAG, "Value": arn(domain_id)}]}]
        self.inbound = ec2.create_security_group(
            GroupName=f"security-group-for-inbound-nfs-{domain_id}", Description="in",
            VpcId=vpc, TagSpecifications=tags)["GroupId"]
        self.outbound = ec2.create_security_group(
            GroupName=f"security-group-for-outbound-nfs-{domain_id}", Description="out",
            VpcId=vpc, TagSpecifications=tags)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=self.inbound, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
            "UserIdGroupPairs": [{"GroupId": self.outbound}]}])
        ec2.authorize_security_group_egress(GroupId=self.outbound, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
            "UserIdGroupPairs": [{"GroupId": self.inbound}]}])
        self.eni = ec2.create_network_interface(
            SubnetId=subnet,
            Description=eni_description(domain_id),
        )["NetworkInterface"]["NetworkInterfaceId"]
        self.fs = efs.create_file_system(CreationToken=domain_id, Tags=[
            {"Key": SAGEMAKER_TAG, "Value": arn(domain_id)}])["FileSystemId"]
        efs.create_mount_target(FileSystemId=self.fs, SubnetId=subnet)

    def remaining(self, session: boto3.Session) -> set[str]:
        ec2, efs = session.client("ec2"), session.client("efs")
        groups = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
        enis = {n["NetworkInterfaceId"] for n in
                ec2.describe_network_interfaces()["NetworkInterfaces"]}
        systems = {f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]}
        return ({self.inbound, self.outbound} & groups) | ({self.eni} & enis) | \
            ({self.fs} & systems)


@pytest.fixture
def account(aws_env):  # noqa: F811
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        ec2 = session.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/19")["Subnet"]["SubnetId"]
        ours = Leftovers(session, vpc, subnet, DOMAIN)
        theirs = Leftovers(session, vpc, subnet, OTHER)
        yield session, vpc, ours, theirs


def domain_description(vpc: str, fs: str) -> dict[str, Any]:
    return {"DomainId": DOMAIN, "DomainArn": arn(DOMAIN), "VpcId": vpc,
            "HomeEfsFileSystemId": fs, "Status": "InService"}


APPS = [
    {"DomainId": DOMAIN, "UserProfileName": "alice", "AppType": "JupyterLab",
     "AppName": "default", "Status": "InService"},
    {"DomainId": DOMAIN, "UserProfileName": "bob", "AppType": "JupyterServer",
     "AppName": "default", "Status": "Failed"},
    {"DomainId": DOMAIN, "SpaceName": "team", "AppType": "CodeEditor", "AppName": "default",
     "Status": "InService"},
]
BY_DOMAIN = {"DomainIdEquals": DOMAIN}


def stubbed(session: boto3.Session, calls: list[tuple[str, Any, dict[str, Any]]]
            ) -> tuple[Any, Stubber]:
    """A SageMaker client answering ``calls`` in order (an error is (code, params) as the
    response of a ``!operation``)."""
    client = session.client("sagemaker")
    stub = Stubber(client)
    for operation, response, params in calls:
        if operation.startswith("!"):
            stub.add_client_error(operation[1:], response, "gone", expected_params=params)
        else:
            stub.add_response(operation, response, params)
    stub.activate()
    return client, stub


def full_teardown_calls(vpc: str, fs: str, home_efs: str = "Delete"
                        ) -> list[tuple[str, Any, dict[str, Any]]]:
    """SageMaker's answers to a whole teardown, in order; ``home_efs``: the retention policy
    the domain is deleted with (``Retain`` with ``keep_home_efs``)."""
    return [
        ("describe_domain", domain_description(vpc, fs), {"DomainId": DOMAIN}),
        ("list_apps", {"Apps": APPS}, BY_DOMAIN),
        ("delete_app", {}, {"DomainId": DOMAIN, "AppType": "JupyterLab", "AppName": "default",
                            "UserProfileName": "alice"}),
        ("delete_app", {}, {"DomainId": DOMAIN, "AppType": "CodeEditor", "AppName": "default",
                            "SpaceName": "team"}),
        ("list_apps", {"Apps": [{**APPS[0], "Status": "Deleting"}]}, BY_DOMAIN),
        ("list_apps", {"Apps": [{**APPS[0], "Status": "Deleted"}]}, BY_DOMAIN),
        ("list_spaces", {"Spaces": [{"DomainId": DOMAIN, "SpaceName": "team"}]}, BY_DOMAIN),
        ("delete_space", {}, {"DomainId": DOMAIN, "SpaceName": "team"}),
        ("list_spaces", {"Spaces": []}, BY_DOMAIN),
        ("list_user_profiles", {"UserProfiles": [{"DomainId": DOMAIN,
                                                  "UserProfileName": "alice"}]}, BY_DOMAIN),
        ("delete_user_profile", {}, {"DomainId": DOMAIN, "UserProfileName": "alice"}),
        ("list_user_profiles", {"UserProfiles": []}, BY_DOMAIN),
        ("delete_domain", {}, {"DomainId": DOMAIN,
                               "RetentionPolicy": {"HomeEfsFileSystem": home_efs}}),
        ("!describe_domain", "ResourceNotFound", {"DomainId": DOMAIN}),
    ]


def test_teardown_deletes_in_order_and_only_this_domain(account):
    session, vpc, ours, theirs = account
    sagemaker, stub = stubbed(session, full_teardown_calls(vpc, ours.fs))
    sleeps: list[float] = []
    teardown = Teardown(session, DOMAIN, log=lambda _: None, sleep=sleeps.append, delay=1,
                        clients={"sagemaker": sagemaker})
    actions = teardown.run()
    stub.assert_no_pending_responses()  # the SageMaker calls came in exactly this order
    assert actions[:5] == [
        "app JupyterLab/default of alice", "app CodeEditor/default of team", "space team",
        "user profile alice", f"domain {DOMAIN} (home EFS: delete)"]
    assert actions.index(f"home file system {ours.fs}") < \
        actions.index(f"security group security-group-for-inbound-nfs-{DOMAIN} "
                      f"({ours.inbound})")
    assert ours.remaining(session) == set()
    assert theirs.remaining(session) == {theirs.inbound, theirs.outbound, theirs.eni, theirs.fs}
    assert sleeps == [1]  # one poll while an app was still deleting


def test_dry_run_deletes_nothing(account):
    session, vpc, ours, _theirs = account
    sagemaker, stub = stubbed(session, [
        ("describe_domain", domain_description(vpc, ours.fs), {"DomainId": DOMAIN}),
        ("list_apps", {"Apps": APPS}, BY_DOMAIN),
        ("list_spaces", {"Spaces": [{"DomainId": DOMAIN, "SpaceName": "team"}]}, BY_DOMAIN),
        ("list_user_profiles", {"UserProfiles": [{"DomainId": DOMAIN,
                                                  "UserProfileName": "alice"}]}, BY_DOMAIN),
    ])
    lines: list[str] = []
    Teardown(session, DOMAIN, dry_run=True, log=lines.append,
             clients={"sagemaker": sagemaker}).run()
    stub.assert_no_pending_responses()  # no delete was even attempted
    assert ours.remaining(session) == {ours.inbound, ours.outbound, ours.eni, ours.fs}
    assert all(line.startswith("would delete") for line in lines)
    assert f"would delete network interface {ours.eni}" in lines
    assert f"would delete home file system {ours.fs}" in lines


def test_keep_home_efs_keeps_it(account):
    session, vpc, ours, _ = account
    Teardown(session, DOMAIN, keep_home_efs=True, log=lambda _: None).clean_network(
        vpc, ours.fs, domain_arn=arn(DOMAIN))
    assert ours.remaining(session) == {ours.fs}


def test_home_efs_of_another_domain_is_left_alone(account):
    session, _vpc, _ours, theirs = account
    lines: list[str] = []
    Teardown(session, DOMAIN, log=lines.append).delete_home_efs(theirs.fs, arn(DOMAIN))
    assert theirs.fs in theirs.remaining(session)
    assert any("not tagged as this domain's home" in line for line in lines)


class Busy:
    """An EC2 client whose security groups stay in use for the first ``times`` deletes."""

    def __init__(self, client: Any, times: int) -> None:
        self.client, self.times = client, times

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def delete_security_group(self, **kwargs: Any) -> Any:
        if self.times > 0:
            self.times -= 1
            raise ClientError({"Error": {"Code": "DependencyViolation",
                                         "Message": "in use"}}, "DeleteSecurityGroup")
        return self.client.delete_security_group(**kwargs)


def test_dependency_violations_are_retried_with_backoff(account):
    session, vpc, ours, _ = account
    sleeps: list[float] = []
    teardown = Teardown(session, DOMAIN, log=lambda _: None, sleep=sleeps.append, delay=2,
                        clients={"ec2": Busy(session.client("ec2"), times=3)})
    teardown.delete_nfs_security_groups(vpc)
    assert sleeps == [2, 4, 8]
    assert ours.inbound not in ours.remaining(session)
    deletions = [a for a in teardown.actions if a.startswith("security group")]
    assert len(deletions) == len(set(deletions)) == 2  # each group recorded once


def test_retries_are_bounded(account):
    session, vpc, _, _ = account
    teardown = Teardown(session, DOMAIN, log=lambda _: None, sleep=lambda _: None, delay=1,
                        attempts=3, clients={"ec2": Busy(session.client("ec2"), times=99)})
    with pytest.raises(TeardownError, match="still in use after 3 attempts"):
        teardown.delete_nfs_security_groups(vpc)


def test_running_again_is_safe(account):
    session, vpc, ours, _ = account
    teardown = Teardown(session, DOMAIN, log=lambda _: None)
    teardown.clean_network(vpc, ours.fs, domain_arn=arn(DOMAIN))
    again = Teardown(session, DOMAIN, log=lambda _: None)
    again.clean_network(vpc, ours.fs, domain_arn=arn(DOMAIN))
    assert again.actions == []


def test_destroy_time_cleanup_touches_only_deleted_domains(account):
    session, vpc, ours, theirs = account
    sagemaker, _ = stubbed(session, [
        ("!describe_domain", "ResourceNotFound", {"DomainId": DOMAIN}),
        ("describe_domain", {"DomainId": OTHER}, {"DomainId": OTHER}),
    ])
    clean_vpc_after_deleted_domains(session, vpc, delete_home_efs=True, log=lambda _: None,
                                    clients={"sagemaker": sagemaker})
    assert ours.remaining(session) == set()
    assert theirs.remaining(session) == {theirs.inbound, theirs.outbound, theirs.eni, theirs.fs}


class Session:
    """What the dynamic providers get from ``make_session``: boto3 clients, one stubbed."""

    def __init__(self, session: boto3.Session, **stubbed: Any) -> None:
        self.session, self.stubbed = session, stubbed

    def client(self, service: str) -> Any:
        return self.stubbed.get(service) or self.session.client(service)


def test_dynamic_resources_run_the_teardown_on_delete(account, monkeypatch):
    session, vpc, ours, theirs = account
    sagemaker, stub = stubbed(session, [
        ("list_apps", {"Apps": APPS[:1]}, BY_DOMAIN),
        ("delete_app", {}, {"DomainId": DOMAIN, "AppType": "JupyterLab", "AppName": "default",
                            "UserProfileName": "alice"}),
        ("list_apps", {"Apps": []}, BY_DOMAIN),
        ("list_spaces", {"Spaces": []}, BY_DOMAIN),
        ("!describe_domain", "ResourceNotFound", {"DomainId": DOMAIN}),
        ("describe_domain", {"DomainId": OTHER}, {"DomainId": OTHER}),
    ])
    monkeypatch.setattr("studio_infra.cleanup._session",
                        lambda region: Session(session, sagemaker=sagemaker))
    apps = _AppsCleanupProvider()
    created = apps.create({"domain_id": DOMAIN, "region": REGION})
    assert created.id == f"{DOMAIN}-apps-cleanup"
    apps.delete(created.id, created.outs)
    network = _NetworkCleanupProvider()
    props = {"vpc_id": vpc, "region": REGION, "home_efs_retention": "Delete"}
    network.delete(network.create(props).id, props)
    stub.assert_no_pending_responses()
    assert ours.remaining(session) == set()
    assert theirs.remaining(session) == {theirs.inbound, theirs.outbound, theirs.eni, theirs.fs}
    assert network.diff("x", props, {**props, "home_efs_retention": "Retain"}).replaces == [
        "home_efs_retention"]


def test_teardown_cli_lists_what_it_would_delete_and_asks_first(account, capsys, monkeypatch,
                                                                tmp_path):
    session, vpc, ours, _ = account
    inventory = [
        ("describe_domain", domain_description(vpc, ours.fs), {"DomainId": DOMAIN}),
        ("list_apps", {"Apps": APPS}, BY_DOMAIN),
        ("list_spaces", {"Spaces": [{"DomainId": DOMAIN, "SpaceName": "team"}]}, BY_DOMAIN),
        ("list_user_profiles", {"UserProfiles": [{"DomainId": DOMAIN,
                                                  "UserProfileName": "alice"}]}, BY_DOMAIN),
    ]
    # asked; then a dry run: listed, then gone through without deleting
    sagemaker, stub = stubbed(session, inventory * 3)
    monkeypatch.setattr("studio_infra.ops.teardown.Teardown", functools.partial(
        Teardown, clients={"sagemaker": sagemaker}))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    command = ["teardown", "--domain-id", DOMAIN, "--region", REGION]
    assert main(command) == EXIT_ERROR
    printed = capsys.readouterr()
    assert "1 user profiles: alice" in printed.err and "1 spaces: team" in printed.err
    assert f"home EFS {ours.fs}, every user's files: DELETED" in printed.err
    assert printed.out == ""
    assert "pass --yes to confirm" in printed.err and "Traceback" not in printed.err
    out = tmp_path / "would.json"
    assert main([*command, "--dry-run", "--json", str(out)]) == 0
    would = json.loads(out.read_text())
    assert (would["dry_run"], would["user_profiles"], would["home_efs"]) == (
        True, ["alice"], ours.fs)
    assert {f"home file system {ours.fs}", f"network interface {ours.eni}",
            "user profile alice"} <= set(would["would_delete"])
    assert would["deleted"] == []
    stub.assert_no_pending_responses()  # read only: no delete call was made
    assert ours.remaining(session) == {ours.inbound, ours.outbound, ours.eni, ours.fs}


def test_teardown_cli_of_a_domain_with_nothing_left_says_so(account, capsys, tmp_path):
    """A finished teardown run again (or a domain id of another region) deletes nothing and
    says so; the bystanders of another domain stay."""
    session, _vpc, _ours, theirs = account
    out = tmp_path / "report.json"
    assert main(["teardown", "--domain-id", "d-doesnotexist1", "--region", REGION,
                 "--yes", "--json", str(out)]) == EXIT_OK
    assert "nothing to tear down" in capsys.readouterr().err
    assert json.loads(out.read_text())["deleted"] == []
    assert theirs.remaining(session) == {theirs.inbound, theirs.outbound, theirs.eni, theirs.fs}


def test_apps_cleanup_of_a_domain_deleted_elsewhere_does_nothing(account):
    session, _, _, _ = account
    sagemaker, stub = stubbed(session, [
        ("!list_apps", "ResourceNotFound", BY_DOMAIN),
        ("!list_spaces", "ResourceNotFound", BY_DOMAIN),
    ])
    teardown = Teardown(session, DOMAIN, log=lambda _: None, clients={"sagemaker": sagemaker})
    teardown.delete_apps()
    teardown.delete_spaces()
    stub.assert_no_pending_responses()
    assert teardown.actions == []


def space(name: str, owner: str, sharing: str) -> dict[str, Any]:
    return {"DomainId": DOMAIN, "SpaceName": name, "Status": "InService",
            "OwnershipSettingsSummary": {"OwnerUserProfileName": owner},
            "SpaceSharingSettingsSummary": {"SharingType": sharing}}


def test_offboarding_deletes_one_users_apps_and_private_spaces_first(account):
    """Removing alice: her profile's app, the app in her private space and that space go;
    bob's app and space, and the shared space alice owns, stay."""
    session = account[0]
    spaces = [space("alice-lab", "alice", "Private"), space("bob-lab", "bob", "Private"),
              space("team", "alice", "Shared")]
    apps = [
        {"DomainId": DOMAIN, "UserProfileName": "alice", "AppType": "JupyterServer",
         "AppName": "default", "Status": "InService"},
        {"DomainId": DOMAIN, "SpaceName": "alice-lab", "AppType": "JupyterLab",
         "AppName": "default", "Status": "InService"},
        {"DomainId": DOMAIN, "SpaceName": "bob-lab", "AppType": "JupyterLab",
         "AppName": "default", "Status": "InService"},
        {"DomainId": DOMAIN, "SpaceName": "team", "AppType": "CodeEditor",
         "AppName": "default", "Status": "InService"},
    ]
    sagemaker, stub = stubbed(session, [
        ("list_apps", {"Apps": apps}, BY_DOMAIN),
        ("list_spaces", {"Spaces": spaces}, BY_DOMAIN),
        ("delete_app", {}, {"DomainId": DOMAIN, "AppType": "JupyterServer",
                            "AppName": "default", "UserProfileName": "alice"}),
        ("delete_app", {}, {"DomainId": DOMAIN, "AppType": "JupyterLab", "AppName": "default",
                            "SpaceName": "alice-lab"}),
        ("list_apps", {"Apps": apps[2:]}, BY_DOMAIN),  # alice's are gone
        ("list_spaces", {"Spaces": spaces}, BY_DOMAIN),
        ("list_spaces", {"Spaces": spaces}, BY_DOMAIN),
        ("delete_space", {}, {"DomainId": DOMAIN, "SpaceName": "alice-lab"}),
        ("list_spaces", {"Spaces": spaces[1:]}, BY_DOMAIN),
    ])
    lines: list[str] = []
    teardown = Teardown(session, DOMAIN, log=lines.append, sleep=lambda _: None,
                        clients={"sagemaker": sagemaker}, user="alice")
    teardown.delete_apps()
    teardown.delete_spaces()
    stub.assert_no_pending_responses()
    assert teardown.actions == ["app JupyterServer/default of alice",
                                "app JupyterLab/default of alice-lab", "space alice-lab"]
    assert any("shared space team of alice is kept" in line for line in lines)


def test_the_user_cleanup_resource_offboards_on_delete(account, monkeypatch):
    from studio_infra.cleanup import _UserCleanupProvider

    seen: list[tuple[str, str | None]] = []

    class Recording(Teardown):
        def delete_apps(self) -> None:
            seen.append(("apps", self.user))

        def delete_spaces(self) -> None:
            seen.append(("spaces", self.user))

    monkeypatch.setattr("studio_infra.ops.teardown.Teardown", Recording)
    provider = _UserCleanupProvider()
    props = {"domain_id": DOMAIN, "user": "alice", "region": REGION}
    created = provider.create(props)
    assert seen == []  # creating touches nothing
    provider.delete(created.id, props)
    assert seen == [("apps", "alice"), ("spaces", "alice")]
    assert provider.diff(created.id, props, {**props, "user": "bob"}).replaces == ["user"]
