"""Every platform rule, exactly at its limit and one past it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from validation.checks import platform as checks
from validation.limits import limits_for
from validation.policy import Policy
from validation.text.entities import Analysed
from validation.types import MediaSpec, PostView

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
JPEG = dict(type="image", mime="image/jpeg", width=1080, height=1080, size_bytes=1000)


def view(text="hello", media=(), link=None, scheduled_at=None):
    return PostView(Analysed.of(text), tuple(media), link, scheduled_at, NOW)


def rules(findings, severity="error"):
    return [f.rule.value for f in findings if f.severity == severity]


def tags(n):
    return " ".join(f"#tag{i}x" for i in range(n))


@pytest.mark.parametrize(
    ("slug", "cap"), [("instagram", 5), ("x", 50)], ids=["instagram-5", "x-50"]
)
def test_hashtag_cap_is_an_error_one_past_the_platform_limit(slug, cap):
    limits = limits_for(slug)
    assert "hashtag_count" not in rules(checks.hashtag_count(view(tags(cap)), limits, Policy()))
    over = checks.hashtag_count(view(tags(cap + 1)), limits, Policy())
    assert rules(over) == ["hashtag_count"]


@override_settings(VALIDATION_INSTAGRAM_MAX_HASHTAGS=30)
def test_instagram_hashtag_cap_follows_the_setting():
    limits = limits_for("instagram")
    assert limits.max_hashtags == 30
    assert rules(checks.hashtag_count(view(tags(30)), limits, Policy())) == []
    assert rules(checks.hashtag_count(view(tags(31)), limits, Policy())) == ["hashtag_count"]


@pytest.mark.parametrize(
    ("slug", "advised"), [("linkedin", 3), ("x", 5), ("facebook", 10), ("instagram", None)]
)
def test_old_hashtag_advice_is_a_warning_at_one_past(slug, advised):
    limits = limits_for(slug)
    if advised is None:  # Instagram: the hard cap (5) equals the advice, so only errors
        assert rules(checks.hashtag_count(view(tags(5)), limits, Policy()), "warning") == []
        return
    at = checks.hashtag_count(view(tags(advised)), limits, Policy())
    over = checks.hashtag_count(view(tags(advised + 1)), limits, Policy())
    assert at == [] and rules(over, "warning") == ["hashtag_count"]


def test_a_brand_can_change_or_silence_the_hashtag_advice():
    limits = limits_for("linkedin")
    loose = Policy(hashtag_warnings={"linkedin": 6})
    silent = Policy(hashtag_warnings={"linkedin": None})
    assert checks.hashtag_count(view(tags(6)), limits, loose) == []
    assert rules(checks.hashtag_count(view(tags(7)), limits, loose), "warning") == ["hashtag_count"]
    assert checks.hashtag_count(view(tags(40)), limits, silent) == []


def test_numbers_and_html_entities_are_not_hashtags():
    assert len(Analysed.of("#1 fan &#39; #2025 #ok").hashtags) == 1


@pytest.mark.parametrize(("slug", "cap"), [("instagram", 20), ("x", 50)])
def test_mention_cap_boundary(slug, cap):
    limits = limits_for(slug)
    text = lambda n: " ".join(f"@user{i}" for i in range(n))  # noqa: E731
    assert checks.mention_count(view(text(cap)), limits, Policy()) == []
    assert rules(checks.mention_count(view(text(cap + 1)), limits, Policy())) == ["mention_count"]


def test_email_addresses_are_not_mentions():
    assert Analysed.of("write to hi@acme.com").mentions == []


MEDIA_COUNT = [
    ("instagram", [], ["media_count"]),  # needs media
    ("instagram", [JPEG] * 10, []),
    ("instagram", [JPEG] * 11, ["media_count"]),
    ("x", [JPEG] * 4, []),
    ("x", [JPEG] * 5, ["media_count"]),
    ("x", [dict(type="video", mime="video/mp4")], []),
    ("x", [dict(type="video", mime="video/mp4")] * 2, ["media_count"]),
    ("x", [JPEG, dict(type="gif", mime="image/gif")], ["media_count"]),  # no mixing
    ("linkedin", [JPEG] * 20, []),
    ("linkedin", [JPEG] * 21, ["media_count"]),
    ("google_business", [JPEG], []),
    ("google_business", [JPEG] * 2, ["media_count"]),
]


@pytest.mark.parametrize(("slug", "media", "expected"), MEDIA_COUNT)
def test_media_count(slug, media, expected):
    post = view(media=[MediaSpec(**m) for m in media])
    assert rules(checks.media_count(post, limits_for(slug), Policy())) == expected


MEDIA_TYPE = [
    ("instagram", "image", "image/jpeg", []),
    ("instagram", "image", "image/png", ["media_type"]),  # JPEG only
    ("x", "image", "image/png", []),
    ("x", "gif", "image/gif", []),
    ("google_business", "video", "video/mp4", ["media_type"]),
    ("linkedin", "video", "video/quicktime", ["media_type"]),
]


@pytest.mark.parametrize(("slug", "kind", "mime", "expected"), MEDIA_TYPE)
def test_media_type(slug, kind, mime, expected):
    post = view(media=[MediaSpec(kind, mime)])
    found = checks.media_type(post, limits_for(slug), Policy())
    assert rules(found) == expected
    assert all(f.field == "media[0]" for f in found)


@pytest.mark.parametrize(
    ("slug", "cap"), [("instagram", 8 * 1024 * 1024), ("facebook", 4 * 1024 * 1024)]
)
def test_image_size_boundary(slug, cap):
    at = view(media=[MediaSpec("image", "image/jpeg", size_bytes=cap)])
    over = view(media=[MediaSpec("image", "image/jpeg", size_bytes=cap + 1)])
    assert checks.media_size(at, limits_for(slug), Policy()) == []
    assert rules(checks.media_size(over, limits_for(slug), Policy())) == ["media_size"]


ASPECT = [
    (800, 1000, []),  # exactly 4:5
    (799, 1000, ["aspect_ratio"]),
    (1910, 1000, []),  # exactly 1.91:1
    (1911, 1000, ["aspect_ratio"]),
]


@pytest.mark.parametrize(("w", "h", "expected"), ASPECT)
def test_instagram_aspect_ratio_boundaries(w, h, expected):
    post = view(media=[MediaSpec("image", "image/jpeg", width=w, height=h)])
    assert rules(checks.aspect_ratio(post, limits_for("instagram"), Policy())) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(140, []), (140.5, ["video_duration"]), (0.5, []), (0.4, ["video_duration"])],
)
def test_x_video_duration_boundaries(seconds, expected):
    post = view(media=[MediaSpec("video", "video/mp4", duration_s=seconds)])
    assert rules(checks.video_duration(post, limits_for("x"), Policy())) == expected


def test_links_on_instagram_are_a_warning_and_fine_elsewhere():
    post = view("Shop at https://acme.example.com/shop")
    [finding] = checks.link_unsupported(post, limits_for("instagram"), Policy())
    assert (finding.rule, finding.severity, finding.span) == (
        "link_unsupported",
        "warning",
        (8, 37),
    )
    assert checks.link_unsupported(post, limits_for("facebook"), Policy()) == []
    assert rules(
        checks.link_unsupported(view(link="https://a.co"), limits_for("instagram"), Policy()),
        "warning",
    ) == ["link_unsupported"]


SCHEDULE = [
    (NOW - timedelta(seconds=60), []),  # within the grace
    (NOW - timedelta(seconds=61), ["schedule_window"]),
    (NOW + timedelta(days=90), []),  # LinkedIn horizon, exactly
    (NOW + timedelta(days=90, seconds=1), ["schedule_window"]),
    (datetime(2026, 2, 1, 9, 0), ["schedule_window"]),  # naive
]


@pytest.mark.parametrize(("when", "expected"), SCHEDULE)
def test_schedule_window_on_linkedin(when, expected):
    found = checks.schedule_window(view(scheduled_at=when), limits_for("linkedin"), Policy())
    assert rules(found) == expected
