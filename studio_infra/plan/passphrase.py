"""Opening the ``secure:`` values of a stack that uses Pulumi's passphrase secrets provider.

A program planned offline should read the same configuration ``pulumi preview`` hands it, and
secrets are part of it: a program that reads ``config.require_secret_int("port")`` needs the
number, not a placeholder. Pulumi's passphrase provider is entirely local (a salt in the stack
file, the passphrase in the environment), so the plan can open its secrets exactly as the CLI
does. The scheme is Pulumi's, read from pulumi/pulumi at commit 0373577d:

- ``sdk/go/common/resource/config/crypt.go``, ``NewSymmetricCrypterFromPassphrase``: the key
  is PBKDF2-HMAC-SHA256 of the passphrase and the salt, 1,000,000 iterations, 32 bytes;
  ``symmetricCrypter.DecryptValue``: a value is ``v1:<base64 nonce>:<base64 ciphertext>``,
  AES-256-GCM with a 12-byte nonce and no additional data.
- ``pkg/secrets/passphrase/manager.go`` (commit 037bd642),
  ``symmetricCrypterFromPhraseAndState``: the stack file's ``encryptionsalt`` is
  ``v1:<base64 salt>:`` followed by the encryption of ``pulumi``; a passphrase that does not
  decrypt it to ``pulumi`` is incorrect. ``readPassphrase``: ``PULUMI_CONFIG_PASSPHRASE``
  first, then the file named by ``PULUMI_CONFIG_PASSPHRASE_FILE`` (its content stripped).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path

from studio_infra.errors import StudioInfraError

ITERATIONS = 1_000_000
KEY_BYTES = 32
NONCE_BYTES = 12
CHECK_PLAINTEXT = "pulumi"
"""What the stack's ``encryptionsalt`` encrypts: proof that a passphrase is the right one."""

HOW_TO_GIVE = ("set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the "
               "stack's passphrase")


class PassphraseError(StudioInfraError):
    """The passphrase is wrong, unreadable, or a stored value is not Pulumi's format."""


def passphrase_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The passphrase the Pulumi CLI would use, or None when none is given."""
    env = os.environ if environ is None else environ
    if "PULUMI_CONFIG_PASSPHRASE" in env:
        return env["PULUMI_CONFIG_PASSPHRASE"]
    path = env.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise PassphraseError(f"cannot read PULUMI_CONFIG_PASSPHRASE_FILE {path!r}: "
                                  f"{exc.strerror or exc}") from None
    return None


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """The AES-256 key of ``passphrase`` and ``salt`` (PBKDF2-HMAC-SHA256, 1,000,000 rounds)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                     iterations=ITERATIONS)
    return kdf.derive(passphrase.encode())


class Decrypter:
    """Opens ``v1:<nonce>:<ciphertext>`` values with the key of one stack."""

    def __init__(self, key: bytes, stack_file: Path) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        self._stack_file = stack_file

    @classmethod
    def for_stack(cls, passphrase: str, encryption_salt: str, stack_file: Path) -> Decrypter:
        """The decrypter of a stack whose file has ``encryptionsalt: encryption_salt``;
        PassphraseError when the passphrase does not open its check value."""
        version, _, rest = encryption_salt.partition(":")
        salt_b64, _, check = rest.partition(":")
        if version != "v1" or not check:
            raise PassphraseError(f"{stack_file}: encryptionsalt is not Pulumi's v1 format "
                                  "('v1:<salt>:v1:<nonce>:<ciphertext>')")
        try:
            salt = base64.b64decode(salt_b64, validate=True)
        except binascii.Error:
            raise PassphraseError(f"{stack_file}: encryptionsalt's salt is not base64") from None
        decrypter = cls(derive_key(passphrase, salt), stack_file)
        try:
            opened = decrypter.decrypt(check, "encryptionsalt")
        except PassphraseError:
            opened = None
        if opened != CHECK_PLAINTEXT:
            raise PassphraseError(
                f"incorrect passphrase for {stack_file.name}: PULUMI_CONFIG_PASSPHRASE (or "
                "PULUMI_CONFIG_PASSPHRASE_FILE) does not open its encryptionsalt; give the "
                "passphrase the stack was created with")
        return decrypter

    def decrypt(self, value: str, key: str) -> str:
        """The plaintext of ``value`` (the secret of config ``key``)."""
        from cryptography.exceptions import InvalidTag

        parts = value.split(":")
        if len(parts) != 3 or parts[0] != "v1":
            raise PassphraseError(f"{self._stack_file}: the secure value of {key!r} is not "
                                  "Pulumi's v1 format ('v1:<nonce>:<ciphertext>')")
        try:
            nonce = base64.b64decode(parts[1], validate=True)
            ciphertext = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            raise PassphraseError(f"{self._stack_file}: the secure value of {key!r} is not "
                                  "base64") from None
        if len(nonce) != NONCE_BYTES:
            raise PassphraseError(f"{self._stack_file}: the secure value of {key!r} has a "
                                  f"{len(nonce)}-byte nonce, not {NONCE_BYTES}")
        try:
            return self._aead.decrypt(nonce, ciphertext, None).decode()
        except InvalidTag:
            raise PassphraseError(
                f"{self._stack_file}: the secure value of {key!r} does not decrypt with this "
                "stack's passphrase (was it set in another stack?)") from None
