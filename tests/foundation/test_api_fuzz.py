"""Every operation of the OpenAPI schema, fed what schemathesis generates from the schema
(valid and invalid path ids, query strings and bodies), by an owner of a real brand: no
request may answer 5xx. Bounded (EXAMPLES per operation) to about a minute in CI.

The schema is the one drf-spectacular serves at /api/schema/, so a new endpoint is fuzzed
as soon as it exists. The brand id is the owner's own brand, so the generated values reach
the views' real work instead of stopping at "no such brand"; other ids and every other value
are generated (ids past 64 bits included: tests/foundation/test_isolation.py pins those)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application

EXAMPLES = 25

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def owner_token(brand, owner):
    return Token.objects.get_or_create(user=owner)[0].key


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection around each request, which would end
    the test's transaction; Django's own test client suspends that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure here is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_gets_a_server_error(case, brand, owner_token, keep_test_connection):
    if "brand_id" in (case.path_parameters or {}):
        case.path_parameters["brand_id"] = brand.pk
    response = case.call(app=application, headers={"Authorization": f"Token {owner_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
