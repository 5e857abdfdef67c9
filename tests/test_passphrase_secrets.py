"""Passphrase secrets opened as ``pulumi preview`` opens them, and a clear line when not.

The stack file is written here the way the Pulumi CLI writes one (pulumi/pulumi
``pkg/secrets/passphrase/manager.go`` ``NewPassphraseSecretsManager`` and
``sdk/go/common/resource/config/crypt.go`` ``symmetricCrypter.EncryptValue``), with
``hashlib.pbkdf2_hmac`` for the key and ``AESGCM`` directly: a second implementation path,
not the planner's ``derive_key``/``Decrypter``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from studio_infra.cli import EXIT_ERROR, EXIT_OK, main
from studio_infra.plan.project import SECRET_PLACEHOLDER, ProjectError, load_project
from studio_infra.plan.runner import ProgramError, plan_project

PASSPHRASE = "correct horse battery staple"
SALT = b"\x01\x02\x03\x04\x05\x06\x07\x08"  # Pulumi's salts are 8 random bytes
PROGRAM = """\
import pulumi

config = pulumi.Config()
port = config.require_secret_int("port")
token = config.require_secret("token")
pulumi.export("port", port.apply(lambda p: p + 1))
pulumi.export("token", token)
pulumi.export("nested", config.require_secret_object("nested"))
"""


def _encrypt(key: bytes, plaintext: str, nonce: bytes) -> str:
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"


def _project(tmp_path: Path) -> Path:
    key = hashlib.pbkdf2_hmac("sha256", PASSPHRASE.encode(), SALT, 1_000_000, 32)
    check = _encrypt(key, "pulumi", b"n" * 12)
    (tmp_path / "Pulumi.yaml").write_text("name: sealed\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    (tmp_path / "Pulumi.dev.yaml").write_text(
        f"encryptionsalt: v1:{base64.b64encode(SALT).decode()}:{check}\n"
        "config:\n"
        "  aws:region: eu-west-1\n"
        f"  sealed:port:\n    secure: {_encrypt(key, '5432', b'a' * 12)}\n"
        f"  sealed:token:\n    secure: {_encrypt(key, 's3cr3t:with:colons', b'b' * 12)}\n"
        "  sealed:nested:\n"
        "    user: alice\n"
        f"    password:\n      secure: {_encrypt(key, 'hunter2', b'c' * 12)}\n")
    return tmp_path


@pytest.fixture
def no_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)


def test_the_passphrase_opens_every_secret(tmp_path, monkeypatch, no_passphrase):
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    project = load_project(_project(tmp_path), "dev")
    assert project.config["sealed:port"] == "5432"
    assert project.config["sealed:token"] == "s3cr3t:with:colons"
    assert json.loads(project.config["sealed:nested"]) == {"user": "alice",
                                                           "password": "hunter2"}
    assert project.secret_keys == ("sealed:nested", "sealed:port", "sealed:token")
    assert project.sealed_keys == ()
    plan = plan_project(tmp_path, "dev")
    assert plan.stack_outputs["port"] == 5433  # require_secret_int read the number
    assert plan.stack_outputs["token"] == "s3cr3t:with:colons"


def test_the_passphrase_file_is_read_too(tmp_path, monkeypatch, no_passphrase):
    root = _project(tmp_path)
    secret_file = tmp_path / "phrase.txt"
    secret_file.write_text(PASSPHRASE + "\n")  # stripped, as the CLI strips it
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(secret_file))
    assert plan_project(root, "dev").stack_outputs["port"] == 5433


def test_a_wrong_passphrase_is_one_line_exit_2(tmp_path, monkeypatch, capsys, no_passphrase):
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not it")
    assert main(["plan", str(_project(tmp_path)), "--stack", "dev"]) == EXIT_ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "incorrect passphrase for Pulumi.dev.yaml" in err
    assert "PULUMI_CONFIG_PASSPHRASE" in err


def test_a_value_from_another_stack_names_its_key(tmp_path, monkeypatch, no_passphrase):
    root = _project(tmp_path)
    other = hashlib.pbkdf2_hmac("sha256", b"other", SALT, 1_000_000, 32)
    stack_file = root / "Pulumi.dev.yaml"
    stray = f"  sealed:stray:\n    secure: {_encrypt(other, 'x', b'd' * 12)}\n"
    stack_file.write_text(stack_file.read_text() + stray)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    with pytest.raises(ProjectError, match="secure value of 'sealed:stray' does not decrypt"):
        load_project(root, "dev")


def test_without_a_passphrase_a_typed_read_says_how_to_give_it(
        tmp_path, capsys, no_passphrase):
    root = _project(tmp_path)
    project = load_project(root, "dev")
    assert project.config["sealed:port"] == SECRET_PLACEHOLDER
    assert "sealed:port" in project.sealed_keys
    with pytest.raises(ProgramError, match="set PULUMI_CONFIG_PASSPHRASE"):
        plan_project(root, "dev")
    assert main(["plan", str(root), "--stack", "dev"]) == EXIT_ERROR
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [
        "error: configuration value 'sealed:port' is a secret the offline plan cannot open, "
        "so the program read '[secret]', not a valid int; set PULUMI_CONFIG_PASSPHRASE (or "
        "PULUMI_CONFIG_PASSPHRASE_FILE) to the stack's passphrase"]


def test_without_a_passphrase_untyped_secrets_still_plan(tmp_path, no_passphrase):
    root = _project(tmp_path)
    (root / "__main__.py").write_text(
        "import pulumi\npulumi.export('token', pulumi.Config().require_secret('token'))\n"
        "pulumi.Config().require_secret('port'); pulumi.Config().require_object('nested')\n")
    assert main(["plan", str(root), "--stack", "dev", "--no-policy"]) == EXIT_OK
