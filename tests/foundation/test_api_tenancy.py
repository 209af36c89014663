import pytest

from audit.models import ActionLog
from tenancy.models import Membership, Role


def test_brand_list_shows_only_the_users_brands_with_their_role(api_client_for, brand, users):
    body = api_client_for(users["editor"]).get("/api/v1/brands/").json()
    assert [(b["id"], b["role"]) for b in body["results"]] == [(brand.id, "editor")]
    outsider_ids = [
        b["id"] for b in api_client_for(users["outsider"]).get("/api/v1/brands/").json()["results"]
    ]
    assert brand.id not in outsider_ids


def test_anonymous_api_calls_are_401_with_the_error_shape(client, brand):
    response = client.get(f"/api/v1/brands/{brand.id}/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("owner", 201), ("admin", 403), ("editor", 403), ("viewer", 403), ("outsider", 404)],
)
def test_only_owners_add_members(api_client_for, brand, users, role, expected, django_user_model):
    django_user_model.objects.create_user("newcomer")
    response = api_client_for(users[role]).post(
        f"/api/v1/brands/{brand.id}/members/", {"username": "newcomer", "role": "editor"}
    )
    assert response.status_code == expected
    added = Membership.objects.filter(brand=brand, user__username="newcomer").exists()
    assert added is (expected == 201)


@pytest.mark.parametrize("role", ["owner", "admin", "editor", "viewer"])
def test_every_member_can_read_the_member_list(api_client_for, brand, users, role):
    response = api_client_for(users[role]).get(f"/api/v1/brands/{brand.id}/members/")
    assert response.status_code == 200
    assert {"owner", "brand_admin", "editor", "viewer"} <= {m["username"] for m in response.json()}


def test_adding_a_member_is_audited(api_client_for, brand, users, django_user_model):
    django_user_model.objects.create_user("newcomer")
    api_client_for(users["owner"]).post(
        f"/api/v1/brands/{brand.id}/members/", {"username": "newcomer", "role": "viewer"}
    )
    row = ActionLog.objects.get(action="member.add")
    assert (row.brand, row.actor, row.details["to"]) == (brand, users["owner"], "viewer")
    assert row.ip_address == "127.0.0.1"


def test_the_last_owner_cannot_be_removed(api_client_for, brand, users):
    membership = Membership.objects.get(brand=brand, role=Role.OWNER)
    response = api_client_for(users["owner"]).delete(
        f"/api/v1/brands/{brand.id}/members/{membership.id}/"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "membership_invalid"
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_invalid_member_input_names_the_field(api_client_for, brand, users):
    response = api_client_for(users["owner"]).post(
        f"/api/v1/brands/{brand.id}/members/", {"username": "x", "role": "emperor"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "role" in body["details"]


def test_a_member_of_another_brand_cannot_be_removed_through_this_one(api_client_for, brand, users):
    foreign = Membership.objects.get(user=users["outsider"])
    response = api_client_for(users["owner"]).delete(
        f"/api/v1/brands/{brand.id}/members/{foreign.id}/"
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()
