"""Replying to a review: the text is checked like a post's (length, profanity, toxicity,
PII — validation's own checks), sent to the platform, then stored with its audit row (and the
template's usage count) in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import record_action
from connections.providers import base as pb
from reviews.models import ResponseTemplate, Review
from reviews.services.platform import provider_for, with_token
from reviews.services.templates import fill, template_for_rating
from validation.findings import Finding, Rule, Severity
from validation.services import validate_post

MAX_REPLY = 4096  # Google's limit on a review reply
# The checks that apply to a reply; a post's other rules (hashtags, disclaimers, media,
# links) are about posts.
REPLY_RULES = frozenset(
    {
        Rule.PROFANITY, Rule.TOXICITY, Rule.PII_EMAIL, Rule.PII_PHONE, Rule.PII_SSN,
        Rule.PII_CARD, Rule.PII_IBAN, Rule.BANNED_PHRASE, Rule.BANNED_CLAIM,
    }
)  # fmt: skip


class ReplyError(Exception):
    def __init__(
        self, code: str, message: str, status: int = 400, field: str | None = None,
        findings: tuple[Finding, ...] = (),
    ):  # fmt: skip
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field
        self.findings = findings


def reply_findings(*, brand, text: str) -> tuple[Finding, ...]:
    """What stands in the way of sending `text` as a reply. Errors and findings that would
    need a person's approval both refuse it: a reply has no review step, so reword it."""
    found: list[Finding] = []
    if not text.strip():
        found.append(Finding(Rule.TEXT_LENGTH, Severity.ERROR, "text", "The reply is empty."))
    elif len(text) > MAX_REPLY:
        found.append(
            Finding(
                Rule.TEXT_LENGTH, Severity.ERROR, "text",
                f"The reply is {len(text)} characters; Google takes at most {MAX_REPLY}.",
                "Shorten it.",
            )
        )  # fmt: skip
    report = validate_post(brand=brand, text=text, platforms=["google_business"])
    found += [
        f for f in report.findings
        if f.rule in REPLY_RULES and f.severity in (Severity.ERROR, Severity.REVIEW)
    ]  # fmt: skip
    return tuple(found)


def _reply_text(review: Review, text: str | None, template: ResponseTemplate | None):
    if text is not None and template is not None:
        raise ReplyError("text_or_template", "Send either text or a template, not both.")
    if text is not None:
        return text, None
    if template is None:
        template = template_for_rating(brand=review.brand, rating=review.rating)
        if template is None:
            raise ReplyError(
                "no_template", "No template covers this review's rating; send text instead.",
                field="template_id",
            )  # fmt: skip
    elif review.rating is None or not template.min_rating <= review.rating <= template.max_rating:
        raise ReplyError(
            "template_rating_mismatch",
            f"This template is for {template.min_rating}-{template.max_rating} star reviews.",
            field="template_id",
        )
    return fill(template, review), template


def review_reply(
    *, review: Review, actor, text: str | None = None,
    template: ResponseTemplate | None = None, request=None,
) -> Review:  # fmt: skip
    """Reply (or replace the reply) on the platform, then record it. Raises ReplyError for a
    refused text and the provider's errors for a failed call (nothing is stored then)."""
    body, template = _reply_text(review, text, template)
    findings = reply_findings(brand=review.brand, text=body)
    if findings:
        raise ReplyError(
            "reply_refused", "The reply breaks the brand's rules; reword it.", 422,
            field="text", findings=findings,
        )  # fmt: skip
    connection = review.connection
    provider = provider_for(connection)
    # The platform call happens outside any transaction of ours.
    replied_at = with_token(
        connection,
        lambda token: provider.reply_to_review(
            token, account_id=connection.account_id, review_id=review.platform_review_id,
            text=body,
        ),
    )  # fmt: skip
    with transaction.atomic():
        review.reply_text = body
        review.replied_at = replied_at or timezone.now()
        review.save(update_fields=["reply_text", "replied_at"])
        if template is not None:
            ResponseTemplate.objects.filter(pk=template.pk).update(usage_count=F("usage_count") + 1)
        record_action(
            action="review.reply", actor=actor, brand=review.brand, target=review,
            request=request,
            details={
                "template_id": template.pk if template else None,
                "length": len(body), "rating": review.rating,
            },
        )  # fmt: skip
    return review


def provider_error(error: pb.ProviderError) -> ReplyError:
    """A failed platform call as the API shows it."""
    if isinstance(error, pb.RateLimited):
        status = 429
    elif isinstance(error, pb.AuthRevoked):
        status = 409  # reconnect the location first
    elif isinstance(error, pb.Rejected):
        status = 422
    else:
        status = 502
    return ReplyError(f"platform_{error.code}", error.message, status)
