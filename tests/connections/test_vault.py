from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import override_settings
from django.utils import timezone

from connections.models import OAuthState, PlatformConnection

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _raw(column: str, pk: int, table: str = "connections_platformconnection") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _connection(brand, **kwargs) -> PlatformConnection:
    defaults = dict(platform="x", account_id="42", access_token="AT-plain-1", refresh_token="RT-2")
    return PlatformConnection.objects.create(brand=brand, **{**defaults, **kwargs})


@pytest.mark.django_db
def test_the_raw_database_column_never_holds_the_plaintext_token(brand):
    conn = _connection(brand)
    assert "AT-plain-1" not in _raw("access_token", conn.pk)
    assert "RT-2" not in _raw("refresh_token", conn.pk)
    assert PlatformConnection.objects.get(pk=conn.pk).access_token == "AT-plain-1"


@pytest.mark.django_db
def test_the_pkce_verifier_is_encrypted_at_rest(brand, owner):
    state = OAuthState.objects.create(
        state="s1",
        brand=brand,
        user=owner,
        platform="x",
        code_verifier="verifier-plain",
        redirect_uri="http://testserver/cb",
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    raw = _raw("code_verifier", state.pk, table="connections_oauthstate")
    assert "verifier-plain" not in raw


@pytest.mark.django_db
def test_tokens_never_appear_in_str_or_repr(brand):
    conn = _connection(brand, display_name="Acme")
    assert "AT-plain-1" not in str(conn) + repr(conn)


@pytest.mark.django_db
def test_one_account_connects_once_per_brand(brand):
    _connection(brand)
    with pytest.raises(IntegrityError):
        _connection(brand)


@pytest.mark.django_db
def test_rotation_keeps_old_rows_readable_and_re_encrypts_them_under_the_newest_key(brand):
    # given rows written under the old key
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        first = _connection(brand, account_id="1")
        second = _connection(brand, account_id="2", refresh_token="")
        third = _connection(brand, account_id="3")
    # when the new key is added in front and the command runs
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert PlatformConnection.objects.get(pk=first.pk).access_token == "AT-plain-1"
        call_command("rotate_encryption_keys", batch_size=2)
    # then the stored ciphertext decrypts under the new key alone
    for conn in (first, second, third):
        assert Fernet(NEW_KEY).decrypt(_raw("access_token", conn.pk).encode()) == b"AT-plain-1"
    assert _raw("refresh_token", second.pk) == ""
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert PlatformConnection.objects.get(pk=third.pk).refresh_token == "RT-2"
