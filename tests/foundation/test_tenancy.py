import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenancy.models import Role
from tenancy.permissions import MIN_ROLE, Action, role_allows
from tenancy.selectors import brand_for_user, brands_for_user

# Expected matrix, written out by hand rather than derived from MIN_ROLE.
MATRIX = {
    Role.VIEWER: {Action.VIEW},
    Role.EDITOR: {Action.VIEW, Action.EDIT_POSTS},
    Role.ADMIN: {Action.VIEW, Action.EDIT_POSTS, Action.MANAGE_CONNECTIONS, Action.MANAGE_POLICY},
    Role.OWNER: set(Action),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_role_matrix(role, action):
    assert role_allows(role, action) is (action in MATRIX[role])


def test_every_action_has_a_minimum_role():
    assert set(MIN_ROLE) == set(Action)


def test_no_role_allows_nothing():
    assert not any(role_allows(None, action) for action in Action)


def test_brands_for_user_lists_only_memberships(users, brand):
    assert list(brands_for_user(user=users["viewer"])) == [brand]
    assert brand not in brands_for_user(user=users["outsider"])


def test_brand_for_user_is_404_for_an_outsider(users, brand):
    with pytest.raises(Http404):
        brand_for_user(user=users["outsider"], brand_id=brand.id)


def test_brand_for_user_is_403_for_a_member_whose_role_is_too_low(users, brand):
    with pytest.raises(PermissionDenied):
        brand_for_user(user=users["viewer"], brand_id=brand.id, action=Action.EDIT_POSTS)


def test_brand_for_user_rejects_junk_ids(users):
    with pytest.raises(Http404):
        brand_for_user(user=users["owner"], brand_id="1 OR 1=1")


def test_brand_for_user_sets_the_current_role(users, brand):
    found = brand_for_user(user=users["editor"], brand_id=brand.id, action=Action.EDIT_POSTS)
    assert found == brand and found.current_role == Role.EDITOR
