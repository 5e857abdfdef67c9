"""ImageRepository and CustomImage: hardening, the chain's cross-references, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio_infra.ecr import PULL_ACTIONS, ImageRepository
from studio_infra.errors import StudioInfraError
from studio_infra.images import (
    JUPYTERLAB_ARGUMENTS,
    JUPYTERLAB_ENTRYPOINT,
    CustomImage,
    context_digest,
)
from studio_infra.judges.api_model import forbidden_members
from studio_infra.judges.service_rules import ecr_image_uri
from studio_infra.resource_types import (
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    ECR_REPOSITORY_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    PULUMI_STACK,
    SAGEMAKER_APP_IMAGE_CONFIG,
    SAGEMAKER_IMAGE,
    SAGEMAKER_IMAGE_VERSION,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = Path(__file__).parent.parent
CONTEXT = "stacks/images/python-minimal"
URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/other:v1"


@pytest.fixture(autouse=True)
def _at_repository_root(at_repository_root):
    return at_repository_root


def test_repository_is_encrypted_scanned_immutable_and_protected(record):
    role = "arn:aws:iam::123456789012:role/ci-pull"
    plan = record(lambda: ImageRepository("images", {"name": "Team/Python", "kms_key_arn": KEY,
                                                     "pull_role_arns": [role]}))
    repo = plan.get(ECR_REPOSITORY, "images-repo")
    assert repo.inputs["name"] == "team/python"
    assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY}]
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["forceDelete"] is False
    assert repo.protect and repo.retain_on_delete
    rules = json.loads(plan.get(ECR_LIFECYCLE_POLICY,
                                "images-lifecycle").inputs["policy"])["rules"]
    assert [r["selection"]["tagStatus"] for r in rules] == ["untagged", "any"]
    assert rules[0]["selection"]["countNumber"] == 7
    assert rules[1]["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan",
                                     "countNumber": 30}
    sagemaker, roles = json.loads(plan.get(ECR_REPOSITORY_POLICY,
                                           "images-policy").inputs["policy"])["Statement"]
    assert sagemaker["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert sagemaker["Action"] == PULL_ACTIONS
    assert sagemaker["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert roles["Principal"] == {"AWS": [role]}
    assert roles["Action"] == PULL_ACTIONS


def built_image(record, **extra):
    def program():
        repo = ImageRepository("images", {"name": "studio", "kms_key_arn": KEY})
        CustomImage("py", {"image_name": "python-minimal", "build": {"context": CONTEXT},
                           "repository": repo, **extra})
    return record(program)


def test_built_image_chain_references_itself_consistently(record):
    plan = built_image(record)
    repo = plan.get(ECR_REPOSITORY, "images-repo")
    build = plan.get("docker-build:index:Image", "py-build")
    tag = f"ctx-{context_digest(ROOT / CONTEXT)[:16]}"
    assert build.inputs["tags"] == [f"{repo.outputs['repositoryUrl']}:{tag}"]
    assert build.inputs["push"] is True
    assert build.inputs["context"] == {"location": CONTEXT}
    assert build.inputs["platforms"] == ["linux/amd64"]
    (registry,) = build.inputs["registries"]
    assert registry["address"] == "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"
    image = plan.get(SAGEMAKER_IMAGE, "py-image")
    role = plan.get(IAM_ROLE, "py-role")
    assert image.inputs["imageName"] == "python-minimal"
    assert image.inputs["roleArn"] == role.outputs["arn"]
    version = plan.get(SAGEMAKER_IMAGE_VERSION, "py-version")
    assert version.inputs["imageName"] == image.id
    # pulumi-docker-build's ref is <repo>:<tag>@sha256:<digest>; SageMaker documents BaseImage
    # as <repo-name[:tag] or [@digest]>, so the version names the repository and digest.
    assert build.outputs["ref"] == f"{build.inputs['tags'][0]}@{build.outputs['digest']}"
    assert version.inputs["baseImage"] == \
        f"{repo.outputs['repositoryUrl']}@{build.outputs['digest']}"
    assert list(ecr_image_uri(version.inputs["baseImage"])) == []
    assert list(ecr_image_uri(build.outputs["ref"])) != []
    config = plan.get(SAGEMAKER_APP_IMAGE_CONFIG, "py-config")
    assert config.inputs["appImageConfigName"] == "python-minimal"
    # botocore: "The FileSystemConfig object is not supported" for JupyterLab; the container
    # config says how Studio starts the image (JUPYTERLAB_IMAGE_PAGE).
    assert config.inputs["jupyterLabImageConfig"] == {"containerConfig": {
        "containerEntrypoints": list(JUPYTERLAB_ENTRYPOINT),
        "containerArguments": list(JUPYTERLAB_ARGUMENTS)}}
    assert forbidden_members("sagemaker", "JupyterLabAppImageConfig") == {"FileSystemConfig"}
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    statements = {s["Sid"]: s for s in json.loads(
        plan.get(IAM_ROLE_POLICY, "py-role").inputs["policy"])["Statement"]}
    assert statements["PullThisImage"]["Resource"] == repo.outputs["arn"]
    assert statements["DecryptLayers"] == {"Sid": "DecryptLayers", "Effect": "Allow",
                                           "Action": "kms:Decrypt", "Resource": KEY}
    outputs = plan.get(CustomImage.TYPE, "py").outputs
    assert outputs["version"] == version.outputs["version"]
    assert outputs["app_image_config_name"] == config.id


def test_changing_the_dockerfile_changes_the_tag(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    before = context_digest(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    assert context_digest(tmp_path) != before


def test_existing_image_uri_and_kernel_gateway(record):
    plan = record(lambda: CustomImage("kg", {
        "image_name": "classic", "app_type": "KernelGateway", "image_uri": URI,
        "kernel_specs": [{"name": "python3", "display_name": "Python 3"}], "uid": 0, "gid": 0}))
    assert plan.of_type("docker-build:index:Image") == []
    version = plan.get(SAGEMAKER_IMAGE_VERSION, "kg-version")
    assert version.inputs["baseImage"] == URI
    config = plan.get(SAGEMAKER_APP_IMAGE_CONFIG, "kg-config")
    assert config.inputs["kernelGatewayImageConfig"] == {
        "kernelSpecs": [{"name": "python3", "displayName": "Python 3"}],
        "fileSystemConfig": {"mountPath": "/home/sagemaker-user", "defaultUid": 0,
                             "defaultGid": 0}}
    statements = {s["Sid"]: s for s in json.loads(
        plan.get(IAM_ROLE_POLICY, "kg-role").inputs["policy"])["Statement"]}
    assert statements["PullThisImage"]["Resource"] == \
        "arn:aws:ecr:us-east-1:123456789012:repository/team/other"
    assert "DecryptLayers" not in statements


def test_existing_role_is_used_and_none_created(record):
    role = "arn:aws:iam::123456789012:role/images"
    plan = record(lambda: CustomImage("img", {"image_name": "x1", "image_uri": URI,
                                              "role_arn": role}))
    assert plan.of_type(IAM_ROLE) == []
    assert plan.get(SAGEMAKER_IMAGE, "img-image").inputs["roleArn"] == role


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"image_name": "bad_name!", "image_uri": URI}, "image name 'bad_name!' must match"),
        ({"image_name": "ok", "image_uri": URI, "kernel_specs": [{"name": "py thon"}]},
         "kernel name 'py thon'"),
        ({"image_name": "ok", "image_uri": URI, "app_type": "KernelGateway",
          "kernel_specs": [{"name": "python3"}], "uid": 1001, "gid": 100},
         "KernelGateway images run only as uid/gid 1000/100 or 0/0, not 1001/100"),
        ({"image_name": "ok", "image_uri": URI, "app_type": "KernelGateway"},
         "needs kernel_specs"),
        ({"image_name": "ok", "image_uri": URI, "uid": 70000}, "run as uid 1000, gid 100"),
        ({"image_name": "ok", "image_uri": URI, "kernel_specs": [{"name": "python3"}]},
         "kernel_specs are for KernelGateway"),
        ({"image_name": "ok", "image_uri": URI, "app_type": "CodeEditor"},
         "needs container_entrypoint"),
        ({"image_name": "ok"}, "exactly one of image_uri"),
        ({"image_name": "ok", "image_uri": "python:3.12"}, "must be <account>.dkr.ecr"),
        ({"image_name": "ok", "build": {"context": CONTEXT}}, "needs repository="),
        ({"image_name": "ok", "image_uri": URI, "app_type": "RStudio"}, "app_type"),
    ],
)
def test_bad_image_input_is_refused_before_registration(record_failure, args, fragment):
    failure = record_failure(lambda: CustomImage("img", args))
    assert isinstance(failure.__cause__, StudioInfraError)
    assert fragment in str(failure.__cause__)
    assert [r.type for r in failure.plan.resources] == [PULUMI_STACK]


def test_missing_dockerfile_is_refused_before_registration(record_failure):
    def program():
        repo = ImageRepository("images", {"name": "studio", "kms_key_arn": KEY})
        CustomImage("img", {"image_name": "ok", "build": {"context": "no/such/folder"},
                            "repository": repo})
    failure = record_failure(program)
    assert "no Dockerfile in" in str(failure.__cause__)
    assert CustomImage.TYPE not in {r.type for r in failure.plan.resources}


@pytest.mark.parametrize(("name", "fragment"), [("x", "must match"), ("-bad", "must match")])
def test_bad_repository_names(record_failure, name, fragment):
    failure = record_failure(lambda: ImageRepository("r", {"name": name, "kms_key_arn": KEY}))
    assert fragment in str(failure.__cause__)
