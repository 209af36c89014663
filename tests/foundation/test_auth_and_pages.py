import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from audit.models import ActionLog
from tests.conftest import PASSWORD


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_login_failure_does_not_reveal_whether_the_user_exists(client, owner):
    wrong_password = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    no_such_user = client.post(reverse("login"), {"username": "ghost", "password": "nope"})
    assert wrong_password.status_code == no_such_user.status_code == 200
    message = b"That username and password did not match"
    assert message in wrong_password.content and message in no_such_user.content
    strip = lambda html: html.replace(b"owner", b"").replace(b"ghost", b"")  # noqa: E731
    assert strip(wrong_password.content).count(b"error") == strip(no_such_user.content).count(
        b"error"
    )


def test_login_then_home_lists_the_users_brands(client, brand, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert brand.name.encode() in home.content


def test_brand_page_is_404_for_an_outsider_and_200_for_a_viewer(client, brand, users):
    client.force_login(users["outsider"])
    assert client.get(reverse("brand_detail", args=[brand.id])).status_code == 404
    client.force_login(users["viewer"])
    assert client.get(reverse("brand_detail", args=[brand.id])).status_code == 200


def test_logout_ends_the_session(client, owner):
    client.force_login(owner)
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_create_api_token_command_prints_a_working_token(owner, capsys):
    call_command("create_api_token", "owner")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=owner).key == key
    assert ActionLog.objects.filter(action="api_token.create").count() == 1
    call_command("create_api_token", "owner")
    assert capsys.readouterr().out.strip() == key  # reused, not replaced


def test_create_api_token_command_rejects_unknown_users(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "ghost")
