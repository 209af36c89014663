"""Brand policy, compliance packs (versioned data) and the append-only validation log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from audit.models import AppendOnlyModel


def _validate_str_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Enter a JSON list of strings.")


def _validate_threshold(value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValidationError("Enter a number between 0 and 1.")


def _validate_pack_rules(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Enter a JSON object.")
    for key in ("banned_claims", "review_keywords"):
        for item in value.get(key, []):
            if not isinstance(item, dict) or not isinstance(item.get("phrase"), str):
                raise ValidationError(f'Each item of "{key}" needs a "phrase" string.')
    for item in value.get("required_disclaimers", []):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValidationError('Each required disclaimer needs a "text" string.')
        _validate_str_list(item.get("when_any", []))


class CompliancePack(models.Model):
    """An industry's rules as data. Packs are versioned: a change is a new row with a higher
    version, so a validation run can say exactly which rules it applied. Brands enable a pack
    by slug and always get its newest active version."""

    slug = models.SlugField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=120)
    description = models.TextField(help_text="What the pack covers, and the public rules it cites.")
    # {"banned_claims": [{"phrase", "why"}], "review_keywords": [{"phrase", "why"}],
    #  "required_disclaimers": [{"text", "when_any": [...]}]}
    rules = models.JSONField(default=dict, validators=[_validate_pack_rules])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="compliancepack_slug_version")
        ]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class BrandPolicy(models.Model):
    """A brand's own rules (one per brand), edited by brand admins and staff."""

    brand = models.OneToOneField("tenancy.Brand", on_delete=models.CASCADE, related_name="policy")
    banned_phrases = models.JSONField(default=list, blank=True, validators=[_validate_str_list])
    competitors = models.JSONField(
        default=list, blank=True, validators=[_validate_str_list], help_text="Names, e.g. Globex."
    )
    required_hashtags = models.JSONField(default=list, blank=True, validators=[_validate_str_list])
    required_disclaimers = models.JSONField(
        default=list, blank=True, validators=[_validate_str_list]
    )
    review_keywords = models.JSONField(default=list, blank=True, validators=[_validate_str_list])
    allowed_contacts = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_str_list],
        help_text="The brand's own public email addresses and phone numbers (not flagged as PII).",
    )
    toxicity_review = models.FloatField(default=0.6, validators=[_validate_threshold])
    toxicity_block = models.FloatField(default=0.9, validators=[_validate_threshold])
    compliance_packs = models.JSONField(
        default=list, blank=True, validators=[_validate_str_list], help_text="Pack slugs."
    )
    # {"linkedin": 3, "x": null}: per-platform hashtag advice replacing the defaults.
    hashtag_warnings = models.JSONField(default=dict, blank=True)
    x_thread_numbering = models.BooleanField(
        default=False, help_text='End each post of an X thread with its number, e.g. " 1/3".'
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "brand policies"

    def __str__(self) -> str:
        return f"Policy of {self.brand}"

    def clean(self) -> None:
        if self.toxicity_review > self.toxicity_block:
            raise ValidationError({"toxicity_review": "Review must not be above block."})
        if not isinstance(self.hashtag_warnings, dict) or not all(
            v is None or (isinstance(v, int) and v >= 0) for v in self.hashtag_warnings.values()
        ):
            raise ValidationError({"hashtag_warnings": 'Enter e.g. {"linkedin": 3}.'})


class Outcome(models.TextChoices):
    OK = "ok", "OK"
    NEEDS_REVIEW = "needs_review", "Needs review"
    BLOCKED = "blocked", "Blocked"


class ValidationRun(AppendOnlyModel):
    """One validation of a submitted post: what was checked, what was found, for whom."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The publishing app's post, by id: validation must not depend on publishing's models.
    post_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    platforms = models.JSONField(default=list)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    findings = models.JSONField(default=list)
    policy_version = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "-created_at"], name="validationrun_brand_time")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.outcome} {self.content_hash[:10]}"
