"""Audit fixtures: a staff superuser and a fast way to make many jobs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from connections.models import PlatformConnection
from publishing.models import JobStatus, Post, PublishJob


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def make_connection(brand, platform: str = "x", account_id: str = "1001", **extra):
    return PlatformConnection.objects.create(
        brand=brand,
        platform=platform,
        account_id=account_id,
        display_name=f"{platform} {account_id}",
        **{"access_token": "access-token-value", "refresh_token": "refresh-token-value", **extra},
    )


def bulk_jobs(brand, connection, author, count: int, status: str = JobStatus.FAILED) -> None:
    """`count` posts with one job each, in a handful of INSERTs."""
    posts = Post.objects.bulk_create(
        [Post(brand=brand, author=author, text=f"Bulk post {i}") for i in range(count)],
        batch_size=2000,
    )
    PublishJob.objects.bulk_create(
        [
            PublishJob(
                post=post,
                brand=brand,
                connection=connection,
                platform=connection.platform,
                status=status,
                last_error_code="rejected" if status == JobStatus.FAILED else "",
            )
            for post in posts
        ],
        batch_size=2000,
    )
