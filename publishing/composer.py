"""The server-rendered composer and the posts page's actions.

Thin views over the same services the API calls (publishing.services.posts / media / review,
validation.services.validate_post): they parse the form, check the role through the brand
selector (editors write, viewers get a 403, other tenants a 404), call a service and show its
answer. Refusals (PublishingError, a validation report) are shown beside the fields and the
user's input is kept; an uploaded file is stored at once, so it survives a refused submit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from connections.models import ConnectionStatus
from connections.selectors import connections_for_brand
from publishing import selectors, state
from publishing.forms import (
    PLATFORMS,
    SELECTABLE,
    MediaUploadForm,
    PostForm,
    initial_for,
    override_field,
)
from publishing.models import JobStatus, Post, PublishJob, ReviewStatus
from publishing.services import media as media_services
from publishing.services import posts as post_services
from publishing.services import review as review_services
from publishing.services.posts import PublishingError
from tenancy.permissions import Action, role_allows
from tenancy.selectors import brand_for_user
from validation.services import validate_post
from validation.types import MediaSpec

PLATFORM_NAMES = dict(PLATFORMS)
# Where a finding's `field` is shown on the page ("media[2]" goes with the media).
FINDING_PLACES = {"text": "text", "media": "media", "link": "link",
                  "scheduled_at": "scheduled_at", "platforms": "targets"}  # fmt: skip


def _list_url(brand) -> str:
    return reverse("post_list", kwargs={"brand_id": brand.pk})


def _edit_url(post) -> str:
    return reverse("post_edit", kwargs={"brand_id": post.brand_id, "post_id": post.pk})


def _get_post(brand, post_id) -> Post:
    try:
        return selectors.post_get(brand=brand, post_id=post_id)
    except Post.DoesNotExist:
        raise Http404("No such post.") from None


# --- the composer ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, brand_id: int) -> HttpResponse:
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.EDIT_POSTS)
    return _compose(request, brand, None)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, brand_id: int, post_id: int) -> HttpResponse:
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.EDIT_POSTS)
    post = _get_post(brand, post_id)
    if any(job.status not in post_services.EDITABLE for job in post.jobs.all()):
        messages.error(request, f"Post #{post.pk}: publishing has started; it cannot change.")
        return redirect(_list_url(brand))
    return _compose(request, brand, post)


class _Composer:
    """One request's form, upload form and findings, and how to render them."""

    def __init__(self, request, brand, post: Post | None):
        self.request, self.brand, self.post = request, brand, post
        if post is None:
            self.connections = list(
                connections_for_brand(brand=brand).exclude(status=ConnectionStatus.REVOKED)
            )
        else:  # a post's targets are fixed: show just those
            self.connections = [job.connection for job in post.jobs.all()]
        self.report: dict | None = None
        self.saved_changes = False  # an edit stored before the schedule/publish was refused

    def form(self, data=None) -> PostForm:
        fixed = [job.connection_id for job in self.post.jobs.all()] if self.post else None
        initial = initial_for(self.post) if self.post and data is None else None
        return PostForm(
            data, initial=initial, brand=self.brand, connections=self.connections,
            fixed_targets=fixed,
        )  # fmt: skip

    def media_specs(self, ids: list[int]) -> list[MediaSpec]:
        return [asset.media_spec() for asset in self.assets(ids)]

    def assets(self, ids: list[int]) -> list:
        found = {a.pk: a for a in selectors.media_for_brand(brand=self.brand).filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    def validate(self, form: PostForm, *, platforms=None, autofix=False):
        data = form.cleaned_data
        return validate_post(
            brand=self.brand,
            text=data.get("text", ""),
            platforms=platforms or form.platforms(),
            media=self.media_specs(data.get("media") or []),
            link=data.get("link") or None,
            scheduled_at=data.get("scheduled_at"),
            text_overrides=form.text_overrides() or None,
            thread=bool(data.get("x_thread")),
            autofix=autofix,
        )

    def render(self, form: PostForm, upload: MediaUploadForm, status: int = 200):
        media_ids = form.cleaned_data.get("media", []) if form.is_bound and hasattr(
            form, "cleaned_data"
        ) else (form.initial.get("media") or [])  # fmt: skip
        checked = {int(i) for i in (form["targets"].value() or []) if str(i).isdigit()}
        groups = _target_groups(self.connections, checked)
        report = self.report
        context = {
            "brand": self.brand,
            "post": self.post,
            "form": form,
            "upload": upload,
            "attached": self.assets(list(media_ids)),
            "target_groups": groups,
            "google_selected": any(g["slug"] == "google_business" and g["checked"] for g in groups),
            "overrides": [form[override_field(slug)] for slug, _ in PLATFORMS],
            "overrides_open": any(form[override_field(s)].value() for s, _ in PLATFORMS),
            "can_manage_connections": role_allows(
                self.brand.current_role, Action.MANAGE_CONNECTIONS
            ),
            "report": report,
            "counts": _counts(report),
            "findings": _findings_by_place(report),
            "fixable": [
                (slug, PLATFORM_NAMES.get(slug, slug))
                for slug, r in (report or {}).get("platforms", {}).items()
                if not r["ok"] or any(f["severity"] != "warning" for f in r["findings"])
            ],
            "validate_url": reverse("api-validate", kwargs={"brand_id": self.brand.pk}),
            "action_url": _edit_url(self.post)
            if self.post
            else reverse("post_new", kwargs={"brand_id": self.brand.pk}),  # fmt: skip
        }
        return render(self.request, "publishing/post_form.html", context, status=status)


def _target_groups(connections, checked: set[int]) -> list[dict]:
    """The brand's accounts by platform: selectable ones as checkboxes, ones needing
    re-authentication shown disabled (reconnecting makes them usable)."""
    groups = []
    for slug, name in PLATFORMS:
        items = [
            {
                "connection": c,
                "selectable": c.status in SELECTABLE,
                "needs_reauth": c.status == ConnectionStatus.NEEDS_REAUTH,
                "checked": c.pk in checked,
            }
            for c in connections
            if c.platform == slug
        ]
        if items:
            checked_any = any(i["checked"] for i in items)
            groups.append({"slug": slug, "name": name, "items": items, "checked": checked_any})
    return groups


def _counts(report: dict | None) -> list[dict]:
    if not report:
        return []
    return [
        {
            "slug": slug,
            "name": PLATFORM_NAMES.get(slug, slug),
            "length": r["length"],
            "max_length": r["max_length"],
            "over": any(
                f["rule"] == "text_length" and f["severity"] == "error" for f in r["findings"]
            ),
        }  # fmt: skip
        for slug, r in report["platforms"].items()
    ]


def _findings_by_place(report: dict | None) -> dict[str, list[dict]]:
    """Each finding once per place, naming the platforms it applies to."""
    places: dict[str, dict[tuple, dict]] = {}
    for slug, platform_report in (report or {}).get("platforms", {}).items():
        for finding in platform_report["findings"]:
            place = FINDING_PLACES.get(finding["field"].split("[", 1)[0], "general")
            key = (finding["rule"], finding["severity"], finding["message"], finding["field"])
            entry = places.setdefault(place, {}).setdefault(key, {**finding, "platforms": []})
            entry["platforms"].append(PLATFORM_NAMES.get(slug, slug))
    return {place: list(found.values()) for place, found in places.items()}


def _attach_upload(composer: _Composer, upload: MediaUploadForm, data) -> bool:
    """Store an uploaded file through media_create and add it to the post's media, before
    anything else can refuse the submit. False (with the error on the form) when refused."""
    if not upload.is_valid():
        return False
    file = upload.cleaned_data.get("upload")
    if not file:
        return True
    values = upload.cleaned_data
    try:
        asset = media_services.media_create(
            brand=composer.brand, actor=composer.request.user, request=composer.request,
            file=file, alt_text=values.get("alt_text") or "", width=values.get("width"),
            height=values.get("height"), duration_s=values.get("duration_s"),
        )  # fmt: skip
    except PublishingError as error:
        upload.add_error("upload", error.message)
        return False
    data.appendlist("media", str(asset.pk))
    return True


def _compose(request, brand, post: Post | None) -> HttpResponse:
    composer = _Composer(request, brand, post)
    if request.method == "GET":
        return composer.render(composer.form(), MediaUploadForm())
    data = request.POST.copy()
    upload = MediaUploadForm(request.POST, request.FILES)
    uploaded = _attach_upload(composer, upload, data)
    action = request.POST.get("action", "save")
    if action.startswith("autofix:"):
        data = _apply_autofix(composer, data, action.split(":", 1)[1])
    form = composer.form(data)
    if not form.is_valid() or not uploaded:
        return composer.render(form, MediaUploadForm() if uploaded else upload, status=400)
    if action == "check" or action.startswith("autofix:"):
        if not form.platforms():
            form.add_error("targets", "Pick at least one account to check the post against.")
            return composer.render(form, MediaUploadForm(), status=400)
        composer.report = composer.validate(form).as_dict()
        return composer.render(form, MediaUploadForm())
    if action not in ("save", "schedule", "publish"):
        raise Http404("No such action.")
    if action == "schedule" and form.cleaned_data.get("scheduled_at") is None:
        form.add_error("scheduled_at", "Pick a date and time to schedule the post.")
        return composer.render(form, MediaUploadForm(), status=400)
    return _submit(composer, form, action)


def _apply_autofix(composer: _Composer, data, slug: str):
    """Put validate(autofix=True)'s text for one platform in the box it came from: that
    platform's own text when it has one, else the main text."""
    form = composer.form(data)
    if slug not in PLATFORM_NAMES or not form.is_valid():
        return data
    report = composer.validate(form, platforms=[slug], autofix=True).platforms[slug]
    name = PLATFORM_NAMES[slug]
    if report.fixed_text is None:
        left = ", ".join(report.unfixable) or "nothing"
        messages.warning(composer.request, f"{name}: nothing to fix automatically ({left} left).")
        return data
    box = override_field(slug) if form.text_overrides().get(slug) else "text"
    data[box] = report.fixed_text
    done = "; ".join(fix.description for fix in report.fixes) or "text fixed"
    messages.info(composer.request, f"{name}: applied the auto-fix ({done}).")
    return data


def _submit(composer: _Composer, form: PostForm, action: str) -> HttpResponse:
    request, brand, actor = composer.request, composer.brand, composer.request.user
    scheduled_at = form.cleaned_data.get("scheduled_at") if action == "schedule" else None
    post = composer.post
    try:
        if post is None:
            # As the API: one create (scheduled in the same call when a time is given).
            post = post_services.post_create(
                brand=brand, author=actor, request=request, targets=form.target_ids(),
                scheduled_at=scheduled_at, **form.content(),
            )  # fmt: skip
            composer.post = post
        else:
            changes = _changes(post, form.content())
            if changes:
                post_services.post_update(post=post, actor=actor, request=request, **changes)
                composer.saved_changes = action != "save"
            if scheduled_at is not None:
                post_services.post_schedule(
                    post=post, scheduled_at=scheduled_at, actor=actor, request=request
                )
        if action == "publish":
            queued = post_services.post_publish_now(post=post, actor=actor, request=request)
    except PublishingError as error:
        return _refused(composer, form, error)
    except ValidationError as error:  # the model's own checks (full_clean in the services)
        _add_errors(form, error)
        return composer.render(form, MediaUploadForm(), status=400)
    post.refresh_from_db()
    held = post.review_status == ReviewStatus.PENDING
    if held:
        messages.warning(
            request, f"Post #{post.pk} is waiting for review: an admin or owner must approve it."
        )
    elif action == "publish":
        messages.success(request, f"Post #{post.pk} is being published ({len(queued)} account(s)).")
    elif action == "schedule":
        messages.success(request, f"Post #{post.pk} is scheduled for {_local(post)}.")
    else:
        messages.success(request, f"Post #{post.pk} saved.")
        return redirect(_edit_url(post))
    return redirect(_list_url(brand))


def _changes(post: Post, content: dict) -> dict:
    current = {
        "text": post.text, "text_overrides": post.text_overrides or {}, "link": post.link,
        "media": [item.asset_id for item in post.post_media.all()], "x_thread": post.x_thread,
        "google_post_type": post.google_post_type, "google_details": post.google_details or {},
    }  # fmt: skip
    return {name: value for name, value in content.items() if current[name] != value}


def _local(post: Post) -> str:
    from zoneinfo import ZoneInfo

    moment = post.scheduled_at.astimezone(ZoneInfo(post.brand.timezone))
    return f"{moment:%Y-%m-%d %H:%M} ({post.brand.timezone})"


def _refused(composer: _Composer, form: PostForm, error: PublishingError) -> HttpResponse:
    """Show a service's refusal beside the field it names, keeping everything typed. When the
    post was created before the refusal (publish now after the create), the page continues as
    that draft's edit page so a second submit does not create it again."""
    request = composer.request
    post = composer.post
    if post is not None and form.fixed_targets is None:
        messages.info(request, f"Saved as draft #{post.pk}; it was not sent.")
        form = _rebound(composer, form)
    elif composer.saved_changes:
        messages.info(request, f"Your changes to post #{post.pk} are saved; it was not sent.")
    validation = (error.details or {}).get("validation")
    if validation:
        composer.report = validation
    if error.field in form.fields:
        form.add_error(error.field, error.message)
    elif error.field == "file":
        form.add_error("media", error.message)
    else:
        form.add_error(None, error.message)
    return composer.render(form, MediaUploadForm(), status=error.status)


def _rebound(composer: _Composer, form: PostForm) -> PostForm:
    """The same input, now as the edit form of the draft the create made."""
    composer.post = _get_post(composer.brand, composer.post.pk)
    again = composer.form(form.data)
    again.is_valid()
    return again


def _add_errors(form: PostForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


# --- actions on the posts page ----------------------------------------------------------------

POST_ACTIONS = {
    "cancel": (post_services.post_cancel, Action.EDIT_POSTS),
    "retry": (post_services.post_retry, Action.EDIT_POSTS),
    # Approving held content is a policy decision: admins and owners (as the API).
    "approve": (review_services.post_approve, Action.MANAGE_POLICY),
}
JOB_ACTIONS = {"cancel": post_services.job_cancel, "retry": post_services.job_retry}
DONE = {"cancel": "cancelled", "retry": "sent again", "approve": "approved"}


@login_required
@require_POST
def post_action(request: HttpRequest, brand_id: int, post_id: int, action: str):
    if action not in POST_ACTIONS:
        raise Http404("No such action.")
    service, needed = POST_ACTIONS[action]
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=needed)
    post = _get_post(brand, post_id)
    try:
        service(post=post, actor=request.user, request=request)
    except PublishingError as error:
        messages.error(request, f"Post #{post.pk} was not {DONE[action]}: {error.message}")
    else:
        messages.success(request, f"Post #{post.pk} {DONE[action]}.")
    return redirect(_list_url(brand))


@login_required
@require_POST
def job_action(request: HttpRequest, brand_id: int, job_id: int, action: str):
    if action not in JOB_ACTIONS:
        raise Http404("No such action.")
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.EDIT_POSTS)
    try:
        job = selectors.job_get(brand=brand, job_id=job_id)
    except PublishJob.DoesNotExist:
        raise Http404("No such job.") from None
    label = f"{job.connection} (post #{job.post_id})"
    try:
        JOB_ACTIONS[action](job=job, actor=request.user, request=request)
    except PublishingError as error:
        messages.error(request, f"{label} was not {DONE[action]}: {error.message}")
    else:
        messages.success(request, f"{label} {DONE[action]}.")
    return redirect(_list_url(brand))


def list_controls(*, brand, posts) -> dict:
    """What the posts page offers this member: flags on each post and job for the buttons
    (the services still decide; a stale page gets their refusal as a message)."""
    can_edit = role_allows(brand.current_role, Action.EDIT_POSTS)
    can_approve = role_allows(brand.current_role, Action.MANAGE_POLICY)
    for post in posts:
        jobs = list(post.jobs.all())
        post.can_edit = can_edit and all(j.status in post_services.EDITABLE for j in jobs)
        post.can_cancel = can_edit and any(j.status in state.CANCELLABLE for j in jobs)
        post.can_retry = can_edit and any(j.status == JobStatus.FAILED for j in jobs)
        post.can_approve = can_approve and post.review_status == ReviewStatus.PENDING
        for job in jobs:
            job.can_cancel = can_edit and job.status in state.CANCELLABLE
            job.can_retry = can_edit and job.status == JobStatus.FAILED
    return {"can_edit": can_edit}
