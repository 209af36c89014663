"""The server-rendered composer and the posts page's actions, through the Django test client:
the same services as the API, the role matrix (viewers read only, outsiders see nothing), the
brand's time zone for schedules, refusals shown beside the fields with the input kept."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from audit.models import ActionLog
from connections.models import ConnectionStatus
from publishing.models import JobStatus, MediaAsset, Post, PublishJob
from tests.conftest import PASSWORD
from tests.publishing.conftest import make_connection
from validation.models import ValidationRun
from validation.services import policy_update

S = JobStatus
OVER_X = "Fresh roast today. " * 20  # 380 characters, over X's 280


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _new(brand):
    return f"/brands/{brand.pk}/posts/new/"


def _edit(post):
    return f"/brands/{post.brand_id}/posts/{post.pk}/edit/"


def _list(brand):
    return f"/brands/{brand.pk}/posts/"


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _form(connection, action, **fields):
    return {"text": "Hello from the page", "targets": [connection.pk], "action": action, **fields}


# --- writing ---------------------------------------------------------------------------------


def test_an_editor_saves_a_draft_and_lands_on_its_edit_page(client, editor, brand, x_connection):
    _login(client, editor)

    response = client.post(_new(brand), _form(x_connection, "save", link="https://acme.test/r"))

    assert response.status_code == 302, response.context["form"].errors
    post = Post.objects.get(brand=brand)
    assert response.status_code == 302
    assert response["Location"] == _edit(post)
    assert (post.text, post.link, post.author) == (
        "Hello from the page",
        "https://acme.test/r",
        editor,
    )
    assert list(post.jobs.values_list("connection_id", "status")) == [(x_connection.pk, S.DRAFT)]
    assert ActionLog.objects.filter(action="post.create", target_id=str(post.pk)).exists()
    page = client.get(_edit(post))
    assert "Hello from the page" in page.content.decode()


def test_scheduling_reads_the_local_time_in_the_brands_timezone(
    client, editor, brand, x_connection
):
    # given a day a month ahead and 09:00 on the brand's clock (Europe/Paris)
    day = (timezone.now() + timedelta(days=30)).date()
    _login(client, editor)

    # when
    response = client.post(
        _new(brand), _form(x_connection, "schedule", scheduled_at=f"{day}T09:00")
    )

    # then it is stored as that moment in UTC, whatever Paris's offset is that day
    expected = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    post = Post.objects.get(brand=brand)
    assert response.status_code == 302 and response["Location"] == _list(brand)
    assert post.scheduled_at == expected
    job = post.jobs.get()
    assert (job.status, job.next_attempt_at) == (S.SCHEDULED, expected)
    listed = client.get(response["Location"])
    assert f"scheduled for {day} 09:00 (Europe/Paris)" in " ".join(_messages(listed))
    assert f"<td>{day} 09:00</td>" in listed.content.decode()  # the list is on Paris time too
    # and the edit page shows it back on the brand's clock
    page = client.get(_edit(post)).content.decode()
    assert f'value="{day}T09:00"' in page
    assert "Europe/Paris" in page


def test_a_time_the_clocks_skip_is_refused_and_nothing_is_created(
    client, editor, brand, x_connection
):
    # 02:30 on the last Sunday of March does not exist in Paris.
    year = timezone.now().year + 1
    last_sunday = max(
        datetime(year, 3, d) for d in range(25, 32) if datetime(year, 3, d).weekday() == 6
    )
    _login(client, editor)

    response = client.post(
        _new(brand),
        _form(x_connection, "schedule", scheduled_at=f"{last_sunday:%Y-%m-%d}T02:30"),
    )

    assert response.status_code == 400
    assert "does not exist in Europe/Paris" in response.content.decode()
    assert not Post.objects.exists()


def test_a_schedule_in_the_past_is_the_services_refusal_beside_the_field(
    client, editor, brand, x_connection
):
    _login(client, editor)

    response = client.post(
        _new(brand), _form(x_connection, "schedule", scheduled_at="2020-01-01T09:00")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["scheduled_at"] == ["scheduled_at is in the past."]
    assert not Post.objects.exists()


def test_publish_now_queues_every_target_and_sends_the_tasks_on_commit(
    client, editor, brand, x_connection, second_connection, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    sent = []
    monkeypatch.setattr("publishing.tasks.publish_job.delay", lambda job_id: sent.append(job_id))
    _login(client, editor)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            _new(brand),
            {"text": "Out now", "targets": [x_connection.pk, second_connection.pk],
             "action": "publish"},
        )  # fmt: skip

    post = Post.objects.get(brand=brand)
    jobs = list(post.jobs.order_by("id"))
    assert response.status_code == 302 and response["Location"] == _list(brand)
    assert [j.status for j in jobs] == [S.QUEUED, S.QUEUED]
    assert sent == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert sorted(sent) == [j.pk for j in jobs]
    assert ActionLog.objects.filter(action="post.publish_now", target_id=str(post.pk)).exists()
    listed = client.get(_list(brand)).content.decode()
    assert f'data-post-id="{post.pk}"' in listed


def test_a_refused_publish_keeps_the_input_shows_the_finding_and_continues_as_the_draft(
    client, editor, brand, x_connection, monkeypatch
):
    monkeypatch.setattr("publishing.tasks.publish_job.delay", lambda job_id: None)
    _login(client, editor)

    response = client.post(
        _new(brand),
        _form(x_connection, "publish", text=OVER_X, link="https://acme.test/roast",
              override_linkedin="LinkedIn words"),
    )  # fmt: skip

    body = response.content.decode()
    post = Post.objects.get(brand=brand)
    assert response.status_code == 422
    # the finding, with the platform's count in red
    assert 'data-rule="text_length"' in body
    assert 'class="count over" data-platform="x"' in body
    # nothing typed is lost
    assert OVER_X.strip() in body
    assert 'value="https://acme.test/roast"' in body
    assert "LinkedIn words" in body
    # the draft the create made stays a draft, and the page now edits it (no second create)
    assert response.context["action_url"] == _edit(post)
    assert set(post.jobs.values_list("status", flat=True)) == {S.DRAFT}
    assert ValidationRun.objects.filter(post_id=post.pk, outcome="blocked").exists()
    again = client.post(_edit(post), _form(x_connection, "publish", text="Short now"))
    assert again.status_code == 302
    assert Post.objects.count() == 1
    assert set(post.jobs.values_list("status", flat=True)) == {S.QUEUED}


def test_a_refused_schedule_creates_nothing_and_keeps_the_input(
    client, editor, brand, x_connection
):
    _login(client, editor)
    when = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(_new(brand), _form(x_connection, "schedule", text=OVER_X,
                                              scheduled_at=when))  # fmt: skip

    assert response.status_code == 422
    assert 'data-rule="text_length"' in response.content.decode()
    assert f'value="{when}"' in response.content.decode()
    assert not Post.objects.exists()


def test_check_shows_each_platforms_count_and_the_findings_without_saving(
    client, editor, brand, x_connection
):
    linkedin = make_connection(brand, "linkedin", "urn:li:person:9")
    _login(client, editor)

    response = client.post(
        _new(brand),
        {"text": OVER_X, "targets": [x_connection.pk, linkedin.pk], "action": "check"},
    )

    body = response.content.decode()
    counts = {c["slug"]: c for c in response.context["counts"]}
    assert response.status_code == 200
    assert (counts["x"]["length"], counts["x"]["max_length"], counts["x"]["over"]) == (
        len(OVER_X.strip()), 280, True,
    )  # fmt: skip
    assert counts["linkedin"]["over"] is False
    assert [f["platforms"] for f in response.context["findings"]["text"]
            if f["rule"] == "text_length"] == [["X"]]  # fmt: skip
    assert 'name="action" value="autofix:x"' in body
    assert not Post.objects.exists() and not ActionLog.objects.filter(action="post.create")


def test_autofix_puts_the_fixed_text_for_the_chosen_platform_in_the_text_box(
    client, editor, brand, x_connection
):
    _login(client, editor)

    response = client.post(_new(brand), _form(x_connection, "autofix:x", text=OVER_X))

    form = response.context["form"]
    fixed = form.cleaned_data["text"]
    assert response.status_code == 200
    assert len(fixed) <= 280 and OVER_X.startswith(fixed.rstrip("…").rstrip())
    assert fixed in response.content.decode()
    assert not response.context["counts"][0]["over"]
    assert any("applied the auto-fix" in m for m in _messages(response))


def test_an_uploaded_image_is_stored_at_once_and_shown_as_a_thumbnail(
    client, editor, brand, x_connection
):
    _login(client, editor)
    image = SimpleUploadedFile("roast.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")

    checked = client.post(
        _new(brand), {**_form(x_connection, "check"), "upload": image, "alt_text": "Beans",
                      "width": "1200", "height": "1200"},
    )  # fmt: skip

    asset = MediaAsset.objects.get(brand=brand)
    body = checked.content.decode()
    assert (asset.mime, asset.width, asset.alt_text) == ("image/png", 1200, "Beans")
    assert f'src="{asset.file.url}"' in body
    assert f'name="media" value="{asset.pk}" checked' in body
    saved = client.post(_new(brand), {**_form(x_connection, "save"), "media": [asset.pk]})
    assert saved.status_code == 302
    assert [m.asset_id for m in Post.objects.get().post_media.all()] == [asset.pk]


def test_an_unsupported_upload_is_refused_beside_the_field_and_nothing_is_sent(
    client, editor, brand, x_connection
):
    _login(client, editor)
    notes = SimpleUploadedFile("notes.txt", b"hello", "text/plain")

    response = client.post(_new(brand), {**_form(x_connection, "publish"), "upload": notes})

    assert response.status_code == 400
    assert "Unsupported media type" in response.content.decode()
    assert not MediaAsset.objects.exists() and not Post.objects.exists()


def test_google_event_details_are_checked_beside_their_fields(client, editor, brand):
    google = make_connection(brand, "google_business", "accounts/1/locations/2")
    _login(client, editor)

    response = client.post(
        _new(brand),
        {"text": "Tasting night", "targets": [google.pk], "action": "save",
         "google_post_type": "EVENT", "google_start": "2030-05-01T18:00"},
    )  # fmt: skip

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["google_title"] == ["Required for EVENT posts."]
    assert errors["google_end"] == ["Required for EVENT posts."]
    assert response.context["google_selected"] is True
    assert not Post.objects.exists()


def test_targets_needing_reauth_are_shown_disabled_with_a_reconnect_link(
    client, editor, owner, brand, x_connection
):
    stale = make_connection(
        brand, "linkedin", "urn:li:person:7", status=ConnectionStatus.NEEDS_REAUTH
    )
    make_connection(brand, "facebook", "55", status=ConnectionStatus.REVOKED)

    page = _login(client, owner).get(_new(brand)).content.decode()

    assert f'value="{x_connection.pk}" data-platform="x">' in page
    assert f'value="{stale.pk}" data-platform="linkedin" disabled>' in page
    assert f"/brands/{brand.pk}/connections/connect/linkedin/" in page
    assert "facebook 55" not in page
    refused = client.post(_new(brand), _form(stale, "save"))
    assert refused.status_code == 400 and not Post.objects.exists()


def test_editing_changes_only_what_changed_and_a_queued_post_cannot_be_edited(
    client, editor, brand, make_post, x_connection
):
    post = make_post(text="Before")
    _login(client, editor)

    response = client.post(_edit(post), _form(x_connection, "save", text="After"))

    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).text == "After"
    update = ActionLog.objects.get(action="post.update", target_id=str(post.pk))
    assert update.details == {"fields": ["text"]}
    PublishJob.objects.filter(post=post).update(status=S.QUEUED)
    late = client.get(_edit(post))
    assert late.status_code == 302 and late["Location"] == _list(brand)
    refused = client.post(_edit(post), _form(x_connection, "save", text="Later"))
    assert refused.status_code == 302 and Post.objects.get(pk=post.pk).text == "After"


def test_an_edit_whose_publish_is_refused_keeps_the_changes_and_says_so(
    client, editor, brand, make_post, x_connection
):
    post = make_post(text="Short")
    _login(client, editor)

    response = client.post(_edit(post), _form(x_connection, "publish", text=OVER_X))

    assert response.status_code == 422
    assert f"Your changes to post #{post.pk} are saved; it was not sent." in _messages(response)
    assert Post.objects.get(pk=post.pk).text == OVER_X.strip()
    assert set(post.jobs.values_list("status", flat=True)) == {S.DRAFT}


# --- who may do what -------------------------------------------------------------------------


def test_a_viewer_sees_no_controls_and_every_write_is_a_403(client, viewer, brand, make_post):
    post = make_post(scheduled_at=timezone.now() + timedelta(hours=2))
    job = post.jobs.get()
    _login(client, viewer)

    listed = client.get(_list(brand)).content.decode()
    brand_page = client.get(f"/brands/{brand.pk}/").content.decode()

    assert "New post" not in listed and "New post" not in brand_page
    assert "<form" not in listed.split("<main>", 1)[1]  # no action forms, only the logout one
    assert client.get(_new(brand)).status_code == 403
    assert client.post(_new(brand), _form(job.connection, "save")).status_code == 403
    assert client.post(_edit(post), _form(job.connection, "save", text="x")).status_code == 403
    for url in (f"{_list(brand)}{post.pk}/cancel/", f"/brands/{brand.pk}/jobs/{job.pk}/cancel/"):
        assert client.post(url).status_code == 403
    assert Post.objects.count() == 1 and post.jobs.get().status == S.SCHEDULED


def test_an_editor_sees_the_controls(client, editor, brand, make_post):
    post = make_post(scheduled_at=timezone.now() + timedelta(hours=2))
    _login(client, editor)

    listed = client.get(_list(brand)).content.decode()

    assert f'href="{_new(brand)}"' in listed
    assert f'href="{_edit(post)}"' in listed
    assert f'action="{_list(brand)}{post.pk}/cancel/"' in listed
    assert "/approve/" not in listed  # not waiting for review, and editors do not approve


def test_an_outsider_gets_404s_for_the_brand_and_for_its_posts(client, outsider, brand, make_post):
    post = make_post()
    own = outsider.memberships.get().brand
    _login(client, outsider)

    assert client.get(_new(brand)).status_code == 404
    assert client.post(_new(brand), {"text": "x", "action": "save"}).status_code == 404
    assert client.get(_edit(post)).status_code == 404
    # their own brand does not reach another brand's post either
    assert client.get(f"/brands/{own.pk}/posts/{post.pk}/edit/").status_code == 404
    assert client.post(f"/brands/{own.pk}/posts/{post.pk}/cancel/").status_code == 404
    job = post.jobs.get()
    assert client.post(f"/brands/{own.pk}/jobs/{job.pk}/cancel/").status_code == 404
    assert Post.objects.get(pk=post.pk).text == "Hello world"


# --- actions on the posts page write what the API writes ------------------------------------


def _trail(post) -> list[tuple]:
    """The audit rows about a post and its job, in order."""
    job = post.jobs.get()
    rows = ActionLog.objects.filter(
        Q(target_type="publishing.post", target_id=str(post.pk))
        | Q(target_type="publishing.publishjob", target_id=str(job.pk))
    ).order_by("id")
    return [(r.action, r.target_type, r.actor_id, sorted(r.details)) for r in rows]


def _failed(post):
    PublishJob.objects.filter(post=post).update(status=S.FAILED, attempts=6)
    return post


ACTIONS = {
    # name: (prepare the post, page URL tail, API URL tail) -- "{post}" / "{job}" are ids
    "cancel a post": (lambda p: p, "posts/{post}/cancel/", "posts/{post}/cancel/"),
    "cancel a job": (lambda p: p, "jobs/{job}/cancel/", "jobs/{job}/cancel/"),
    "retry a post": (_failed, "posts/{post}/retry/", "posts/{post}/retry/"),
    "retry a job": (_failed, "jobs/{job}/retry/", "jobs/{job}/retry/"),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_an_action_from_the_posts_page_writes_the_same_audit_rows_as_the_api(
    name, client, editor, brand, make_post, api_client_for, django_capture_on_commit_callbacks
):
    prepare, page_tail, api_tail = ACTIONS[name]
    when = timezone.now() + timedelta(hours=2)
    by_page, by_api = (prepare(make_post(scheduled_at=when)) for _ in range(2))
    _login(client, editor)

    def ids(post):
        return {"post": post.pk, "job": post.jobs.get().pk}

    before_page, before_api = len(_trail(by_page)), len(_trail(by_api))
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/brands/{brand.pk}/" + page_tail.format(**ids(by_page)))
        api = api_client_for(editor).post(
            f"/api/v1/brands/{brand.pk}/" + api_tail.format(**ids(by_api))
        )

    assert response.status_code == 302 and response["Location"] == _list(brand)
    assert api.status_code == 200
    page_rows, api_rows = _trail(by_page)[before_page:], _trail(by_api)[before_api:]
    assert page_rows and page_rows == api_rows
    assert by_page.jobs.get().status == by_api.jobs.get().status
    listed = client.get(_list(brand))
    assert any(("cancelled" in m or "sent again" in m) for m in _messages(listed))


def test_cancelling_a_job_being_published_says_why_not(client, editor, brand, make_post):
    job = make_post().jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(status=S.PUBLISHING)
    _login(client, editor)

    response = client.post(f"/brands/{brand.pk}/jobs/{job.pk}/cancel/", follow=True)

    assert response.redirect_chain == [(_list(brand), 302)]
    assert any("being published; it cannot be cancelled" in m for m in _messages(response)), (
        _messages(response)
    )
    assert PublishJob.objects.get(pk=job.pk).status == S.PUBLISHING
    assert not ActionLog.objects.filter(action="job.cancel").exists()


def test_an_admin_approves_a_held_post_from_the_posts_page(
    client, editor, admin_member, owner, brand, make_post, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr("publishing.tasks.publish_job.delay", lambda job_id: None)
    policy_update(brand=brand, actor=owner, review_keywords=["giveaway"])
    post = make_post(text="Big giveaway this weekend")
    _login(client, editor)
    held = client.post(_edit(post), {"text": post.text, "action": "publish"}, follow=True)
    assert any("waiting for review" in m for m in _messages(held))
    assert "/approve/" not in held.content.decode()
    assert client.post(f"{_list(brand)}{post.pk}/approve/").status_code == 403

    client.logout()
    _login(client, admin_member)
    assert f'action="{_list(brand)}{post.pk}/approve/"' in client.get(_list(brand)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_list(brand)}{post.pk}/approve/", follow=True)

    post.refresh_from_db()
    assert (post.review_status, post.approved_by) == ("approved", admin_member)
    assert set(post.jobs.values_list("status", flat=True)) == {S.QUEUED}
    assert any(f"Post #{post.pk} approved." == m for m in _messages(response))
    approve = ActionLog.objects.get(action="post.approve", target_id=str(post.pk))
    assert approve.actor == admin_member and approve.details["action"] == "publish_now"
