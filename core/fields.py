"""Encrypted model fields: Fernet under a key list, so keys can rotate without downtime.

`settings.FIELD_ENCRYPTION_KEYS` is newest first: the newest key encrypts every write, every
key in the list decrypts. `manage.py rotate_encryption_keys` re-encrypts stored values under
the newest key; after it has run, old keys can be dropped from the list.

A value no listed key can decrypt is an error, never a silent None: a missing key would
otherwise look like "not connected" and hide the real problem (a key dropped too early).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class DecryptionError(Exception):
    """A stored value no key in FIELD_ENCRYPTION_KEYS can decrypt. Never carries the value."""


@cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet for the current key list (cached per list, so overrides in tests work)."""
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt_text(value: str, *, label: str = "value") -> str:
    try:
        return fernet().decrypt(value.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            f"Cannot decrypt {label}: no key in FIELD_ENCRYPTION_KEYS matches it. Was a key "
            "removed before `manage.py rotate_encryption_keys` re-encrypted everything?"
        ) from None


def rotate_text(value: str, *, label: str = "value") -> str:
    """The same plaintext, re-encrypted under the newest key."""
    try:
        return fernet().rotate(value.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(f"Cannot re-encrypt {label}: no configured key matches it.") from None


class EncryptedTextField(models.TextField):
    """A text value stored as Fernet ciphertext. "" stays "" (nothing to hide) and None stays
    None, so "no refresh token" remains visible without decrypting. Not filterable or
    orderable by content: the ciphertext is randomised."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)  # never rendered by ModelForms or the admin
        super().__init__(*args, **kwargs)

    def _label(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else self.name

    def from_db_value(self, value: str | None, expression, connection) -> str | None:
        if not value:
            return value
        return decrypt_text(value, label=self._label())

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_text(value)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) must not write plaintext either.
        return "[encrypted]"


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
