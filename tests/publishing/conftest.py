"""Publishing fixtures: connected accounts of the shared `brand`, and posts to them."""

import pytest

from connections.models import PlatformConnection
from publishing.services.posts import post_create


def make_connection(brand, platform="x", account_id="1001", **extra):
    return PlatformConnection.objects.create(
        brand=brand,
        platform=platform,
        account_id=account_id,
        display_name=f"{platform} {account_id}",
        username=f"user{account_id}",
        access_token="access-token-value",
        refresh_token="refresh-token-value",
        **extra,
    )


@pytest.fixture
def x_connection(brand):
    return make_connection(brand, "x", "1001")


@pytest.fixture
def second_connection(brand):
    return make_connection(brand, "x", "1002")


@pytest.fixture
def make_post(brand, owner, x_connection):
    def make(text="Hello world", targets=None, **kwargs):
        return post_create(
            brand=brand,
            author=owner,
            text=text,
            targets=[c.pk for c in (targets or [x_connection])],
            **kwargs,
        )

    return make
