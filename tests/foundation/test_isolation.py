"""Every brand-scoped URL in the project, found by walking the URLconf, answers an outsider
exactly as it answers for a brand that does not exist: nothing confirms another tenant's brand.
New URLs are covered automatically."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "patch", "delete")


def brand_scoped_routes() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<int:brand_id>" in route:
                found.append(route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "/")
    return sorted(set(found))


def fill(route: str, brand_id: int) -> str:
    url = route.replace("<int:brand_id>", str(brand_id))
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<(?:str|slug):\w+>", "x", url)
    return re.sub(r"<\w+>", "x", url)


def test_there_are_brand_scoped_routes_to_check():
    assert len(brand_scoped_routes()) >= 3


@pytest.mark.parametrize("route", brand_scoped_routes())
def test_an_outsider_gets_what_a_missing_brand_gets(client, api_client_for, brand, users, route):
    outsider = users["outsider"]
    api = api_client_for(outsider)
    client.force_login(outsider)
    for method in METHODS:
        for caller in (api, client):
            real = getattr(caller, method)(fill(route, brand.id))
            missing = getattr(caller, method)(fill(route, 987654))
            assert real.status_code == missing.status_code, (method, route)
            assert real.status_code in (302, 404, 405), (method, route, real.status_code)
            if real.status_code == 302:  # e.g. to the login page, the same for both
                location = real["Location"].replace(str(brand.id), "987654")
                assert location == missing["Location"], (method, route)
