"""Every brand-scoped URL in the project, found by walking the URLconf, answers an outsider
exactly as it answers for a brand that does not exist: nothing confirms another tenant's brand.
New URLs are covered automatically."""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "patch", "delete")
MISSING = 987654


def all_routes() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "/")
    return found


def brand_scoped_routes() -> list[str]:
    return sorted({route for route in all_routes() if "<id:brand_id>" in route})


def fill(route: str, brand_id: int) -> str:
    url = route.replace("<id:brand_id>", str(brand_id))
    url = re.sub(r"<id:\w+>", "1", url)
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
            real_url, missing_url = fill(route, brand.id), fill(route, MISSING)
            real = getattr(caller, method)(real_url)
            missing = getattr(caller, method)(missing_url)
            assert real.status_code == missing.status_code, (method, route)
            assert real.status_code in (302, 404, 405), (method, route, real.status_code)
            if real.status_code == 302:  # e.g. to the login page, the same for both
                # Only the requested path may differ (in ?next=): the brand id alone cannot be
                # swapped, as another id in the route may share its value.
                location = real["Location"].replace(quote(real_url), quote(missing_url))
                assert location.replace(real_url, missing_url) == missing["Location"], (
                    method,
                    route,
                )


def test_every_id_in_a_product_url_goes_through_the_bounded_converter():
    unbounded = [r for r in all_routes() if "<int:" in r and not r.startswith("/sandbox/")]
    assert unbounded == []


@pytest.mark.parametrize("huge", [2**63, 10**22, int("9" * 40)])
@pytest.mark.parametrize("route", [r for r in brand_scoped_routes() if r.count("<id:") > 1])
def test_an_id_past_the_database_range_is_a_404_never_a_500(
    admin_client, api_client_for, brand, owner, route, huge
):
    api = api_client_for(owner)
    url = re.sub(r"<id:\w+>", str(huge), route.replace("<id:brand_id>", str(brand.id)))
    url = re.sub(r"<\w+(?::\w+)?>", "x", url)
    for method in METHODS:
        for caller in (api, admin_client):
            assert getattr(caller, method)(url).status_code == 404, (method, url)


@pytest.mark.parametrize("huge", [2**63, 10**22])
def test_a_brand_id_past_the_database_range_is_a_404(api_client_for, owner, huge):
    api = api_client_for(owner)
    assert api.get(f"/api/v1/brands/{huge}/jobs/").status_code == 404
    assert api.get(f"/api/v1/brands/{huge}/reports/compliance.csv").status_code == 404
    assert api.post(f"/api/v1/brands/{huge}/posts/981/approve/").status_code == 404
