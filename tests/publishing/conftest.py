"""Publishing fixtures: connected accounts of the shared `brand`, and posts to them."""

import pytest

from connections.models import PlatformConnection
from publishing.services.posts import post_create, post_publish_now


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


# --- Against the sandbox over real HTTP ---------------------------------------------------

X_SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"]


def sandbox_x_connection(brand, *, access_ttl=7200, refresh=True, user_id=None, scopes=None):
    """An X account connected with tokens the sandbox itself issued."""
    from datetime import timedelta

    from django.utils import timezone

    from sandbox import tokens
    from sandbox.identities import X_USER
    from sandbox.models import SandboxToken

    user_id = user_id or X_USER["id"]
    scopes = X_SCOPES if scopes is None else scopes
    access = tokens.issue(
        "x", kind=SandboxToken.ACCESS, subject=user_id, client_id="sandbox-x-client",
        scopes=scopes, ttl=access_ttl,
    )  # fmt: skip
    refresh_token = (
        tokens.issue(
            "x",
            kind=SandboxToken.REFRESH,
            subject=X_USER["id"],
            client_id="sandbox-x-client",
            scopes=X_SCOPES,
            ttl=None,
            family=access.family,
        )  # fmt: skip
        if refresh
        else None
    )
    return PlatformConnection.objects.create(
        brand=brand,
        platform="x",
        account_id=user_id,
        username=X_USER["username"],
        display_name=X_USER["name"],
        granted_scopes=scopes,
        access_token=access.token,
        refresh_token=refresh_token.token if refresh_token else "",
        token_expires_at=timezone.now() + timedelta(hours=2),
    )


@pytest.fixture
def x_live(sandbox, brand):
    return sandbox_x_connection(brand)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded media go to a temporary MEDIA_ROOT (served to the sandbox at their URL)."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def queued_job(brand, owner, connection, text="Fresh roast today", **kwargs):
    """A post to one connection, published now: its job, queued (not held for review)."""
    post = post_create(brand=brand, author=owner, text=text, targets=[connection.pk], **kwargs)
    assert post_publish_now(post=post, actor=owner), "held for review"
    return post.jobs.get()
