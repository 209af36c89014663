"""The composer's forms: they parse what the page sends into the arguments the publishing
services take (the same ones the API's serializers produce). No business rule lives here:
schedules, targets, media and content are judged by the services and validation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms

from connections.models import ConnectionStatus
from connections.providers import platform_choices
from connections.providers.google_business.details import CTA_TYPES, check_details
from core.converters import MAX_ID
from publishing.models import GooglePostType, Post

PLATFORMS = platform_choices()
# A reconnect makes these usable again; revoked ones are not offered at all.
SELECTABLE = (ConnectionStatus.ACTIVE, ConnectionStatus.EXPIRING, ConnectionStatus.ERROR)
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
# Form field -> key of Post.google_details (connections/providers/google_business/details.py).
GOOGLE_FIELDS = {
    "google_language": "language",
    "google_title": "title",
    "google_start": "start",
    "google_end": "end",
    "google_cta_type": "cta_type",
    "google_cta_url": "cta_url",
    "google_coupon_code": "coupon_code",
    "google_redeem_url": "redeem_url",
    "google_terms": "terms",
}


def override_field(slug: str) -> str:
    return f"override_{slug}"


class IdListField(forms.Field):
    """A list of ids (repeated inputs). The services check that each belongs to the brand."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = []
        for item in values:
            if not str(item).isdigit() or int(item) > MAX_ID:
                raise forms.ValidationError("Unknown item.", code="invalid")
            if int(item) not in ids:
                ids.append(int(item))
        return ids


class LocalDateTimeField(forms.Field):
    """A datetime-local value, returned naive: the form attaches the brand's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value) -> datetime | None:
        if isinstance(value, datetime):
            return value
        value = (value or "").strip()
        if not value:
            return None
        for fmt in LOCAL_FORMATS:
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                continue
        raise forms.ValidationError("Enter a date and time, e.g. 2026-05-01 09:00.")


def localize(moment: datetime, tz_name: str) -> datetime:
    """A wall-clock time in the brand's zone as an aware datetime. A time that the zone skips
    (clocks going forward) is refused rather than silently moved; a repeated one (clocks going
    back) is the first of the two."""
    tz = ZoneInfo(tz_name)
    aware = moment.replace(tzinfo=tz, fold=0)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != moment:
        raise forms.ValidationError(
            f"{moment:%Y-%m-%d %H:%M} does not exist in {tz_name} (the clocks change then)."
        )
    return aware


class PostForm(forms.Form):
    text = forms.CharField(
        required=False, max_length=70000, widget=forms.Textarea(attrs={"rows": 7})
    )
    targets = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    media = IdListField(required=False)
    link = forms.URLField(required=False, max_length=2000, assume_scheme="https")
    scheduled_at = LocalDateTimeField(required=False, label="Schedule")
    x_thread = forms.BooleanField(required=False, label="Publish a long X text as a thread")
    google_post_type = forms.ChoiceField(
        required=False,
        choices=GooglePostType.choices,
        initial=GooglePostType.STANDARD,
        label="Google post type",
    )
    google_language = forms.CharField(
        required=False, max_length=10, label="Language", help_text="e.g. en (the default)"
    )
    google_title = forms.CharField(required=False, max_length=300, label="Title")
    google_start = forms.CharField(
        required=False, label="Starts", help_text="2026-05-01 or 2026-05-01T18:00, local time"
    )
    google_end = forms.CharField(required=False, label="Ends")
    google_cta_type = forms.ChoiceField(
        required=False,
        choices=[("", "— none —"), *((c, c.replace("_", " ").title()) for c in CTA_TYPES)],
        label="Button",
    )
    google_cta_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Button URL"
    )
    google_coupon_code = forms.CharField(required=False, max_length=100, label="Coupon code")
    google_redeem_url = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="Redeem URL"
    )
    google_terms = forms.CharField(
        required=False, max_length=5000, label="Terms", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, brand, connections, fixed_targets=None, **kwargs):
        """`connections`: the brand's connections to offer. `fixed_targets`: an existing post's
        targets, which cannot change after it is created (the jobs are per target)."""
        super().__init__(*args, **kwargs)
        self.brand = brand
        self.fixed_targets = fixed_targets
        for slug, name in PLATFORMS:
            self.fields[override_field(slug)] = forms.CharField(
                required=False,
                max_length=70000,
                label=f"Text for {name}",
                widget=forms.Textarea(attrs={"rows": 3, "data-platform": slug}),
            )
        self.connections = {c.pk: c for c in connections}
        self.fields["targets"].choices = [
            (c.pk, str(c)) for c in connections if c.status in SELECTABLE
        ]
        if fixed_targets is not None:
            self.fields["targets"].disabled = True
            self.fields["targets"].initial = list(fixed_targets)

    # --- cleaning -------------------------------------------------------------------------

    def clean_google_post_type(self):
        return self.cleaned_data.get("google_post_type") or GooglePostType.STANDARD

    def clean_scheduled_at(self):
        value = self.cleaned_data.get("scheduled_at")
        return localize(value, self.brand.timezone) if value else None

    def clean(self):
        data = super().clean()
        details = self.google_details()
        # The check the API's serializer runs when a post is written (details.check_details);
        # a link that did not parse is "not known" there, not "no link".
        link = data.get("link", None)
        errors = check_details(data.get("google_post_type"), details, link=link)
        for key, messages in errors.items():
            name = next((f for f, k in GOOGLE_FIELDS.items() if k == key), "google_post_type")
            for message in messages:
                self.add_error(name, message)
        return data

    # --- what the services take -----------------------------------------------------------

    def google_details(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {
            key: data[name].strip()
            for name, key in GOOGLE_FIELDS.items()
            if isinstance(data.get(name), str) and data[name].strip()
        }

    def text_overrides(self) -> dict[str, str]:
        data = self.cleaned_data
        return {slug: data[override_field(slug)] for slug, _ in PLATFORMS if data.get(
            override_field(slug)
        )}  # fmt: skip

    def target_ids(self) -> list[int]:
        if self.fixed_targets is not None:
            return list(self.fixed_targets)
        return list(self.cleaned_data.get("targets") or [])

    def platforms(self) -> list[str]:
        """The platforms of the chosen targets, in the registry's order."""
        chosen = {self.connections[i].platform for i in self.target_ids() if i in self.connections}
        return [slug for slug, _ in PLATFORMS if slug in chosen]

    def content(self) -> dict:
        """Post fields as post_create / post_update take them."""
        data = self.cleaned_data
        return {
            "text": data.get("text", ""),
            "text_overrides": self.text_overrides(),
            "link": data.get("link", ""),
            "media": data.get("media") or [],
            "x_thread": bool(data.get("x_thread")),
            "google_post_type": data.get("google_post_type") or GooglePostType.STANDARD,
            "google_details": self.google_details(),
        }


def initial_for(post: Post) -> dict:
    """The form's starting values for an existing post; times in the brand's zone."""
    initial = {
        "text": post.text,
        "link": post.link,
        "media": [item.asset_id for item in post.post_media.all()],
        "x_thread": post.x_thread,
        "google_post_type": post.google_post_type,
        "targets": [job.connection_id for job in post.jobs.all()],
    }
    for slug, text in (post.text_overrides or {}).items():
        initial[override_field(slug)] = text
    for name, key in GOOGLE_FIELDS.items():
        if key in (post.google_details or {}):
            initial[name] = post.google_details[key]
    if post.scheduled_at:
        local = post.scheduled_at.astimezone(ZoneInfo(post.brand.timezone))
        initial["scheduled_at"] = local.replace(tzinfo=None, second=0, microsecond=0)
    return initial


class MediaUploadForm(forms.Form):
    """One image or video to attach (media_create judges its type and size). The page's script
    fills in the pixel size it read from the file, which the aspect-ratio checks use."""

    upload = forms.FileField(required=False, label="Add an image or video")
    alt_text = forms.CharField(required=False, max_length=1000, label="Alt text")
    width = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    height = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    duration_s = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
