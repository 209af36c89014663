"""Log lines name the brand, the job and the platform (issue 6: request id, job id, brand id,
platform), read from the real JSON formatter."""

import pytest

from publishing.services import execution
from publishing.services.posts import post_create, post_publish_now
from tests.foundation.test_logging import lines, log_output  # noqa: F401  (fixture)
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_publish_attempt_logs_its_job_brand_and_platform(sandbox, brand, owner, log_output):  # noqa: F811
    connection = sandbox_connection(brand, "x")
    post = post_create(brand=brand, author=owner, text="Logged once", targets=[connection.pk])
    post_publish_now(post=post, actor=owner)
    job = post.jobs.get()

    assert execution.job_execute(job.pk) == "published"

    finished = [line for line in lines(log_output) if line["event"] == "publish attempt finished"]
    assert len(finished) == 1
    line = finished[0]
    assert (line["job_id"], line["brand_id"], line["post_id"]) == (job.pk, brand.pk, post.pk)
    assert (line["platform"], line["outcome"], line["kind"]) == ("x", "published", "publish")
    assert connection.access_token not in log_output.getvalue()


def test_an_api_request_line_carries_the_brand(api_client_for, owner, brand, log_output):  # noqa: F811
    response = api_client_for(owner).get(f"/api/v1/brands/{brand.pk}/posts/")

    assert response.status_code == 200
    request_lines = [line for line in lines(log_output) if line.get("event") == "request"]
    assert request_lines[-1]["brand_id"] == brand.pk
