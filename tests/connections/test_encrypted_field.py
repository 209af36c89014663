import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from core.fields import DecryptionError, EncryptedTextField, decrypt_text, encrypt_text

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_a_value_round_trips_and_the_ciphertext_is_not_the_plaintext():
    field = EncryptedTextField()
    stored = field.get_prep_value("secret-token-123")
    assert "secret-token-123" not in stored
    assert field.from_db_value(stored, None, None) == "secret-token-123"


def test_empty_and_none_stay_as_they_are():
    field = EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, None) == ""


def test_new_writes_use_the_newest_key_and_old_keys_still_decrypt():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        old = encrypt_text("value")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert decrypt_text(old) == "value"
        new = encrypt_text("value")
    assert Fernet(NEW_KEY).decrypt(new.encode()) == b"value"


def test_a_value_under_an_unknown_key_fails_loudly_without_leaking_it():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        stored = encrypt_text("value")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEYS") as excinfo,
    ):
        decrypt_text(stored)
    assert stored not in str(excinfo.value)


@pytest.mark.django_db
def test_the_rotation_command_runs_and_reports(capsys):
    call_command("rotate_encryption_keys", batch_size=2)
    assert "Re-encrypted" in capsys.readouterr().out
