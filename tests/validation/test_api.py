"""POST /api/v1/brands/<id>/validate: role matrix, outsider 404, batch, schema."""

import pytest

from validation.findings import Rule

ALL = ["instagram", "facebook", "linkedin", "x", "google_business"]
BODY = {
    "text": "New roast! Call (202) 555-0182 https://acme.example.com/roast",
    "platforms": ALL,
    "media": [
        {"type": "image", "mime": "image/jpeg", "width": 1080, "height": 1350, "size_bytes": 1000}
    ],
}


def url(brand):
    return f"/api/v1/brands/{brand.id}/validate"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("admin", 200), ("editor", 200), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(users, brand, api_client_for, who, status):
    response = api_client_for(users[who]).post(url(brand), BODY, format="json")
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_anonymous_is_refused(client, brand):
    assert client.post(url(brand), BODY, content_type="application/json").status_code in (401, 403)


def test_single_post_answer_shape(editor, brand, api_client_for):
    data = api_client_for(editor).post(url(brand), BODY, format="json").json()
    assert data["ok"] is True and data["needs_review"] is True
    assert [f["rule"] for f in data["findings"]] == ["link_unsupported", "pii_phone"]
    x = data["platforms"]["x"]
    assert x["length"] == len("New roast! Call (202) 555-0182 ") + 23 and x["max_length"] == 280
    assert set(x) >= {"length", "max_length", "findings", "fixed_text", "fixes"}


def test_batch_answers_a_list_in_order(editor, brand, api_client_for):
    body = [BODY, {"text": "a" * 281, "platforms": ["x"], "autofix": False}]
    data = api_client_for(editor).post(url(brand), body, format="json").json()
    assert [d["ok"] for d in data] == [True, False]


def test_autofix_in_the_api(editor, brand, api_client_for):
    body = {"text": "Hello there. " * 30, "platforms": ["x"], "autofix": True}
    x = api_client_for(editor).post(url(brand), body, format="json").json()["platforms"]["x"]
    assert x["fixed_text"] and x["length"] <= 280 and x["fixes"][0]["rule"] == "text_length"


def test_bad_input_uses_the_shared_error_shape(editor, brand, api_client_for):
    response = api_client_for(editor).post(
        url(brand), {"text": "hi", "platforms": ["myspace"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "platforms" in response.json()["details"]


def test_validation_through_the_api_writes_nothing(editor, brand, api_client_for):
    from validation.models import ValidationRun

    api_client_for(editor).post(url(brand), BODY, format="json")
    assert ValidationRun.objects.count() == 0


def test_schema_documents_the_rule_ids(owner, api_client_for):
    schema = api_client_for(owner).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/brands/{brand_id}/validate" in schema["paths"]
    enums = [c.get("enum") for c in schema["components"]["schemas"].values()]
    assert any(e and set(e) == {r.value for r in Rule} for e in enums)
