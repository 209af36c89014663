"""Deauthorize and data-deletion callbacks end to end: the sandbox signs a signed_request
with the app secret and POSTs it over HTTP; we verify it, revoke every brand's connections of
that user, delete their tokens, and (data deletion) answer with a status URL and code whose
public page follows the request to completion."""

from __future__ import annotations

import pytest
import requests

from audit.models import ActionLog
from connections.models import ConnectionStatus
from connections.providers import get_provider
from connections.providers.base import AuthRevoked
from connections.services.vault import token_of
from sandbox.webhooks import sender
from tenancy.services import brand_create, tenant_create
from tests.conftest import make_user
from tests.webhooks.conftest import (
    FB_USER_ID,
    IG_ACCOUNT_ID,
    facebook_connection,
    run_deletion,
)
from webhooks.models import DataDeletionRequest, WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_brand(db):
    return brand_create(
        tenant=tenant_create(name="Globex", slug="globex"), name="Globex Tea",
        owner=make_user("globex_owner"),
    )  # fmt: skip


def test_deauthorize_revokes_the_users_connections_in_every_brand(
    sandbox, brand, other_brand, fb_live
):
    theirs = facebook_connection(other_brand)
    stranger = facebook_connection(brand.__class__.objects.create(
        tenant=brand.tenant, name="Acme Tea", slug="acme-tea",
    ))  # fmt: skip
    stranger.extra = {"user_id": "10000000777"}  # granted by someone else
    stranger.save()
    old_token = token_of(fb_live)

    sent = sender.send_deauthorize("facebook", FB_USER_ID)

    assert sent.status == 200
    for connection in (fb_live, theirs):
        connection.refresh_from_db()
        assert connection.status == ConnectionStatus.REVOKED
        assert connection.access_token == "" and connection.refresh_token == ""
        assert connection.refresh_due_at is None
    stranger.refresh_from_db()
    assert stranger.status == ConnectionStatus.ACTIVE and stranger.has_tokens
    rows = ActionLog.objects.filter(action="connection.deauthorized")
    assert sorted(rows.values_list("target_id", flat=True)) == sorted(
        [str(fb_live.pk), str(theirs.pk)]
    )
    assert set(rows.values_list("brand_id", flat=True)) == {brand.pk, other_brand.pk}
    delivery = WebhookDelivery.objects.get()
    assert delivery.kind == "deauthorize" and delivery.signature_valid
    assert delivery.processing_runs.get().records_changed == 2
    # The platform side revoked the user's tokens too (what removing the app does).
    with pytest.raises(AuthRevoked):
        get_provider("facebook").verify(old_token, account_id=fb_live.account_id)


def test_a_replayed_deauthorize_changes_nothing_more(sandbox, fb_live):
    assert sender.send_deauthorize("facebook", FB_USER_ID).status == 200
    assert sender.send_deauthorize("facebook", FB_USER_ID).status == 200

    assert ActionLog.objects.filter(action="connection.deauthorized").count() == 1
    outcomes = [d.processing_runs.get().outcome for d in WebhookDelivery.objects.order_by("id")]
    assert outcomes == ["processed", "duplicate"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"signature": "wrong"},
        {"signature": "missing"},
        {"sign_with": "instagram"},
        {"algorithm": "HMAC-SHA1"},
    ],
)
def test_an_unverifiable_deauthorize_is_refused_and_revokes_nothing(sandbox, fb_live, kwargs):
    sent = sender.send_deauthorize("facebook", FB_USER_ID, revoke_tokens=False, **kwargs)

    assert sent.status == 403
    fb_live.refresh_from_db()
    assert fb_live.status == ConnectionStatus.ACTIVE and fb_live.has_tokens
    assert not ActionLog.objects.filter(action="connection.deauthorized").exists()
    assert WebhookDelivery.objects.get().signature_valid is False


def test_instagram_deauthorize_is_verified_with_the_instagram_secret(sandbox, ig_live, fb_live):
    assert sender.send_deauthorize("instagram", IG_ACCOUNT_ID, sign_with="facebook").status == 403
    ig_live.refresh_from_db()
    assert ig_live.has_tokens

    assert sender.send_deauthorize("instagram", IG_ACCOUNT_ID).status == 200

    ig_live.refresh_from_db()
    fb_live.refresh_from_db()
    assert ig_live.status == ConnectionStatus.REVOKED and not ig_live.has_tokens
    assert fb_live.status == ConnectionStatus.ACTIVE  # another app, untouched


def test_data_deletion_answers_with_a_status_url_and_completes(sandbox, brand, other_brand):
    ours, theirs = facebook_connection(brand), facebook_connection(other_brand)

    sent = sender.send_data_deletion("facebook", FB_USER_ID)

    assert sent.status == 200 and sent.content_type.startswith("application/json")
    answer = sent.json()
    code = answer["confirmation_code"]
    assert answer["url"] == f"{sandbox}/webhooks/facebook/data-deletion/{code}/"
    request = DataDeletionRequest.objects.get(confirmation_code=code)
    assert request.status == "pending"
    page = requests.get(answer["url"], timeout=10)  # public: no login, no session
    assert page.status_code == 200
    assert 'data-status="pending"' in page.text and "Received" in page.text
    assert FB_USER_ID not in page.text  # the page shows progress, nothing about the user

    assert run_deletion(request.pk) == "completed"  # the worker step, in-thread

    page = requests.get(answer["url"], timeout=10)
    assert 'data-status="completed"' in page.text
    request.refresh_from_db()
    assert request.connections_affected == 2 and request.completed_at is not None
    assert request.platform_user_id == ""  # not kept once used
    for connection in (ours, theirs):
        connection.refresh_from_db()
        assert connection.status == ConnectionStatus.REVOKED and not connection.has_tokens
        assert connection.extra == {} and connection.username == ""
        assert connection.display_name == "Deleted account"
    assert ActionLog.objects.filter(action="connection.data_deleted").count() == 2
    # Running it again (a redelivered task) does nothing.
    assert run_deletion(request.pk) == "not_claimed"


def test_the_same_deletion_request_twice_gets_the_same_code(sandbox, fb_live):
    first = sender.send_data_deletion("facebook", FB_USER_ID)
    delivered = WebhookDelivery.objects.get()
    # Meta retrying the very same signed_request:
    again = requests.post(
        f"{sandbox}/webhooks/facebook/data-deletion/",
        data=bytes(delivered.body),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )

    assert again.status_code == 200
    assert again.json()["confirmation_code"] == first.json()["confirmation_code"]
    assert DataDeletionRequest.objects.count() == 1


def test_an_unverifiable_data_deletion_is_refused(sandbox, fb_live):
    sent = sender.send_data_deletion("facebook", FB_USER_ID, signature="wrong")

    assert sent.status == 403
    assert DataDeletionRequest.objects.count() == 0
    assert WebhookDelivery.objects.get().signature_error == "mismatch"


def test_an_unknown_confirmation_code_is_not_found(sandbox):
    response = requests.get(f"{sandbox}/webhooks/facebook/data-deletion/nope/", timeout=10)

    assert response.status_code == 404


def test_the_sandbox_control_endpoints_send_the_callbacks(sandbox, fb_live):
    deletion = requests.post(
        f"{sandbox}/sandbox/_control/webhooks/data-deletion",
        json={"platform": "facebook"},
        timeout=10,
    ).json()
    deauth = requests.post(
        f"{sandbox}/sandbox/_control/webhooks/deauthorize",
        json={"platform": "facebook"},
        timeout=10,
    ).json()

    assert deletion["status"] == 200 and "confirmation_code" in deletion["response"]
    assert deauth["status"] == 200
    fb_live.refresh_from_db()
    assert fb_live.status == ConnectionStatus.REVOKED
