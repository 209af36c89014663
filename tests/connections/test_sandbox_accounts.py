"""tests/sandbox_accounts.py gives every platform an account the real provider code accepts."""

import pytest

from connections.providers import get_provider
from connections.services.vault import get_valid_token
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("platform", ["x", "facebook", "instagram", "linkedin", "google_business"])
def test_sandbox_connection_verifies(sandbox, brand, platform):
    c = sandbox_connection(brand, platform)
    info = get_provider(platform).verify(get_valid_token(c), account_id=c.account_id)
    assert info is not None and info.account_id == c.account_id
