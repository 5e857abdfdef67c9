"""YAML programs of the component provider, planned as the engine runs them.

The planner evaluates a ``runtime: yaml`` program's resources through the provider's
``Construct`` (``studio_infra.plan.yaml_program``): what it registers, the values that cross
from one component to another, the resource references, the options, and each thing it does
not evaluate refused by name before anything runs.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from studio_infra.cli import main
from studio_infra.cli.exits import EXIT_ERROR, EXIT_OK
from studio_infra.plan.project import ProjectError
from studio_infra.plan.runner import plan_project
from studio_infra.provider.hosting import hosted_type
from studio_infra.resource_types import (
    KMS_ALIAS,
    KMS_KEY,
    S3_BUCKET,
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
)
from studio_infra.s3 import SecureBucket

ROOT = Path(__file__).parent.parent
KEYS, BUCKET = hosted_type("StudioKeys"), hosted_type("SecureBucket")
HEAD = "name: yamlstudio\nruntime: yaml\nconfig:\n  aws:region:\n    value: us-east-1\n"


def _project(tmp_path: Path, body: str) -> Path:
    """A YAML project in ``tmp_path``; ``{KEYS}`` and ``{BUCKET}`` in ``body`` stand for the
    served types."""
    text = textwrap.dedent(body).replace("{KEYS}", KEYS).replace("{BUCKET}", BUCKET)
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "Pulumi.yaml").write_text(HEAD + text)
    return tmp_path


def test_the_yaml_example_hands_one_components_output_to_another(planned: Any) -> None:
    plan = planned(ROOT / "examples" / "yaml-studio")
    [s3_key] = [r for r in plan.resources if r.type == KMS_KEY and r.name == "reportKeys-s3"]
    [encryption] = [r for r in plan.of_type(S3_BUCKET_SERVER_SIDE_ENCRYPTION_CONFIGURATION)
                    if r.name == "reports-encryption"]
    rule = encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert rule["kmsMasterKeyId"] == s3_key.outputs["arn"]
    [domain] = plan.of_type(SAGEMAKER_DOMAIN)
    assert plan.stack_outputs["domainId"] == domain.id
    assert plan.stack_outputs["domainUrl"] == domain.outputs["url"]


def test_users_take_the_domain_resource_and_keep_their_ids(planned: Any) -> None:
    plan = planned(ROOT / "examples" / "yaml-domain-users")
    profiles = {r.inputs["userProfileName"]: r for r in plan.of_type(SAGEMAKER_USER_PROFILE)}
    [domain] = plan.of_type(SAGEMAKER_DOMAIN)
    assert sorted(profiles) == ["alice", "bob"]
    assert all(p.inputs["domainId"] == domain.id for p in profiles.values())
    uids = {name: p.inputs["userSettings"]["customPosixUserConfig"]["uid"]
            for name, p in profiles.items()}
    assert uids["bob"] == 20001 and uids["alice"] != 20001
    assert plan.stack_outputs["bobUid"] == 20001
    assert plan.stack_outputs["aliceProfile"] == "alice"


def test_resources_are_built_in_the_order_their_references_ask(tmp_path: Path) -> None:
    """The users come before the domain in the file; the engine (and the planner) build the
    domain first, since the users name it."""
    spec = yaml.safe_load((ROOT / "examples" / "yaml-domain-users" / "Pulumi.yaml").read_text())
    spec["resources"] = dict(reversed(spec["resources"].items()))
    spec.pop("packages")
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    (tmp_path / "Pulumi.dev.yaml").write_text(
        (ROOT / "examples" / "yaml-domain-users" / "Pulumi.dev.yaml").read_text())
    reordered = plan_project(tmp_path)
    original = plan_project(ROOT / "examples" / "yaml-domain-users")
    assert sorted((r.type, r.name, json.dumps(r.inputs, sort_keys=True))
                  for r in reordered.resources) == \
        sorted((r.type, r.name, json.dumps(r.inputs, sort_keys=True))
               for r in original.resources)


def test_text_around_interpolations_and_the_options(tmp_path: Path) -> None:
    project = _project(tmp_path, """\
        resources:
          keys:
            type: {KEYS}
            properties:
              purposes: [s3]
              aliasPrefix: ${pulumi.project}-${pulumi.stack}-keys
          bucket:
            type: {BUCKET}
            properties:
              kmsKeyArn: ${keys.keyArns["s3"]}
            options:
              protect: true
              dependsOn:
                - ${keys}
        outputs:
          label: bucket ${bucket.bucketName} in ${pulumi.stack}
        """)
    plan = plan_project(project)
    aliases = [r.inputs["name"] for r in plan.resources if r.type == KMS_ALIAS]
    assert aliases == ["alias/yamlstudio-dev-keys/s3"]
    [bucket], [keys] = plan.of_type(BUCKET), plan.of_type(KEYS)
    assert bucket.protect is True
    # A dependency on a component is one on each of its resources (the SDK expands it).
    assert {r.urn for r in plan.resources if r.custom and r.urn.startswith(
        keys.urn.replace("::keys", "$"))} <= set(bucket.dependencies)
    assert (keys.source["line"], bucket.source["line"]) == (7, 12)
    assert bucket.source["file"] == "Pulumi.yaml"
    [name] = [r.outputs["bucket"] for r in plan.of_type(S3_BUCKET)
              if r.parent == bucket.urn.replace("::bucket", f"${SecureBucket.TYPE}::bucket")
              and "logs" not in r.name]
    assert plan.stack_outputs["label"] == f"bucket {name} in dev"


@pytest.mark.parametrize(("body", "message"), [
    ("resources:\n  b:\n    type: aws:s3:Bucket\n",
     r"resources\.b: type 'aws:s3:Bucket' is not planned offline"),
    ("variables:\n  x: 1\nresources: {}\n", r"variables: not planned offline"),
    ("resources:\n  k:\n    type: {KEYS}\n    options:\n"
     "      ignoreChanges: [tags]\n", r"resources\.k\.options: ignoreChanges: not planned"),
    ("resources:\n  k:\n    type: {KEYS}\n    properties:\n"
     "      aliasPrefix:\n        fn::join: ['-', [a, b]]\n", r"fn::join: functions are not"),
    ("resources:\n  a:\n    type: {BUCKET}\n    properties:\n"
     "      kmsKeyArn: ${b.bucketArn}\n  b:\n    type: {BUCKET}\n"
     "    properties:\n      kmsKeyArn: ${a.bucketArn}\n",
     r"in a cycle: (a -> b -> a|b -> a -> b)"),
    ("resources:\n  k:\n    type: {KEYS}\noutputs:\n  x: ${k.nothing}\n",
     r"outputs: \$\{k\.nothing\}: the resource has no output 'nothing'"),
    ("resources:\n  k:\n    type: {KEYS}\n    properties:\n"
     "      aliasPrefix: ${missing}\n", r"\$\{missing\}: names no resource and no configuration"),
])
def test_what_is_not_evaluated_is_refused_by_name(tmp_path: Path, body: str,
                                                   message: str) -> None:
    project = _project(tmp_path, body)
    with pytest.raises(Exception, match=message) as caught:
        plan_project(project)
    assert isinstance(caught.value, ProjectError) or \
        isinstance(caught.value.__cause__, ProjectError)


def test_the_command_plans_a_yaml_program_and_refuses_typescript(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(ROOT / "examples" / "yaml-studio")]) == EXIT_OK
    assert hosted_type("Studio") in capsys.readouterr().out
    assert main(["plan", str(ROOT / "examples" / "typescript-studio")]) == EXIT_ERROR
    assert "runtime is 'nodejs'" in capsys.readouterr().err


@pytest.mark.parametrize(("body", "message"), [
    ("resources:\n  k:\n    type: {KEYS}\n    properties:\n      purpose: [s3]\n",
     r"resources\.k\.properties\.purpose: not an input of this type; did you mean 'purposes'"),
    ("resources:\n  s:\n    type: {STUDIO}\n    properties:\n"
     "      network:\n        cidrBlok: 10.9.0.0/16\n",
     r"resources\.s\.properties\.network\.cidrBlok: not an input .*'cidrBlock'"),
    ("resources:\n  k:\n    type: {KEYS}\n    properties:\n      purposes: s3\n",
     r"resources\.k\.properties\.purposes: 's3' is not of type array"),
    ("resources:\n  b:\n    type: {BUCKET}\n    properties:\n      kmsKeyArn:\n"
     "        Fn::Join: ['', [a, b]]\n", r"Fn::Join: functions are not planned"),
    ("resources:\n  b:\n    type: {BUCKET}\n    properties:\n      kmsKeyArn: ${b.bucketArn}\n",
     r"resources\.b: refers to itself"),
    ("resources:\n  k:\n    type: {KEYS}\n    properties:\n      purposes: [s3]\n"
     "outputs:\n  x: ${k.keyArns[\"s4\"]}\n", r"outputs: \$\{k\.keyArns\[\"s4\"\]\}: no 's4' in"),
    ("resources:\n  k:\n    type: {KEYS}\noutputs:\n  x: ${pulumi.organization}\n",
     r"reads pulumi\.project and pulumi\.stack only"),
    ("resources:\n  k:\n    type: {KEYS}\noutputs:\n  x:\n    fn::toJSON: [a]\n",
     r"outputs\.x: fn::toJSON: functions are not planned"),
])
def test_what_the_engine_would_refuse_is_refused_before_anything_runs(
        tmp_path: Path, body: str, message: str) -> None:
    project = _project(tmp_path, body.replace("{STUDIO}", hosted_type("Studio")))
    with pytest.raises(Exception, match=message) as caught:
        plan_project(project)
    assert isinstance(caught.value, ProjectError) or \
        isinstance(caught.value.__cause__, ProjectError)


def test_config_is_read_as_declared_and_a_secret_stays_secret(tmp_path: Path) -> None:
    """A value declared ``type: array`` arrives as a list, ``boolean`` as a bool (options
    too), and a secret as a secret Output, which a plain input refuses, naming it."""
    body = """\
        resources:
          keys:
            type: {KEYS}
            properties:
              purposes: ${purposes}
            options:
              protect: ${keep}
          bucket:
            type: {BUCKET}
            properties:
              kmsKeyArn: ${keys.keyArns["s3"]}
            options:
              dependsOn: ${keys}
        outputs:
          escaped: cost $$5 for $${keys}
          whole: ${keys}
        """
    project = _project(tmp_path, body)
    text = (project / "Pulumi.yaml").read_text().replace(
        "config:\n", "config:\n  purposes:\n    type: array\n  keep:\n    type: boolean\n")
    (project / "Pulumi.yaml").write_text(text)
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n  yamlstudio:purposes: [s3]\n  yamlstudio:keep: true\n")
    plan = plan_project(project)
    [keys], [bucket] = plan.of_type(KEYS), plan.of_type(BUCKET)
    assert [r.name for r in plan.of_type(KMS_KEY)] == ["keys-s3"]
    assert keys.protect is True
    assert set(bucket.dependencies) >= {r.urn for r in plan.of_type(KMS_KEY)}
    assert plan.stack_outputs["escaped"] == "cost $5 for ${keys}"
    assert plan.stack_outputs["whole"]["urn"] == keys.urn
    assert plan.stack_outputs["whole"]["keyArns"] == {
        "s3": plan.of_type(KMS_KEY)[0].outputs["arn"]}

    secret = _project(tmp_path / "secret", """\
        resources:
          keys:
            type: {KEYS}
            properties:
              aliasPrefix: ${prefix}
        """)
    (secret / "Pulumi.dev.yaml").write_text(
        "config:\n  yamlstudio:prefix:\n    secure: v1:abc:def\n")
    with pytest.raises(Exception, match=r"alias_prefix is an Output \(.*or a secret\)"):
        plan_project(secret)


def test_a_program_in_main_yaml_and_the_config_it_declares(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: yamlstudio\nruntime: yaml\nmain: src\nconfig:\n  aws:region:\n"
        "    value: us-east-1\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Main.yaml").write_text(textwrap.dedent(f"""\
        config:
          prefix:
            type: string
            default: frommain
        resources:
          keys:
            type: {KEYS}
            properties:
              purposes: [s3]
              aliasPrefix: ${{prefix}}
        """))
    plan = plan_project(tmp_path)
    assert [r.inputs["name"] for r in plan.of_type(KMS_ALIAS)] == ["alias/frommain/s3"]
    assert {r.source["file"] for r in plan.resources if r.source} == {"src/Main.yaml"}
