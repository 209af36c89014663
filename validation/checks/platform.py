"""Checks against what a platform's API accepts (validation.limits)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from validation.findings import Finding, Rule, Severity
from validation.limits import RECOMMENDED_HASHTAGS, SCHEDULE_PAST_GRACE, PlatformLimits
from validation.policy import Policy
from validation.text.length import platform_length
from validation.types import PostView

E, W = Severity.ERROR, Severity.WARNING


def text_length(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    length = platform_length(post.text, weighted=limits.weighted)
    if length <= limits.max_length:
        return []
    unit = "weighted characters" if limits.weighted else "characters"
    return [
        Finding(
            Rule.TEXT_LENGTH,
            E,
            "text",
            f"{limits.name} allows {limits.max_length} {unit}; this text has {length}.",
            f"Remove {length - limits.max_length} {unit}"
            + (", or post it as a thread." if limits.threads else "."),
            _overflow_span(post, limits),
        )
    ]


def _overflow_span(post: PostView, limits: PlatformLimits) -> tuple[int, int] | None:
    if limits.weighted:
        return None  # weights make a code-point cut position misleading
    return (limits.max_length, len(post.text.text))


def hashtag_count(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    tags = post.text.hashtags
    count = len(tags)
    if limits.max_hashtags is not None and count > limits.max_hashtags:
        extra = tags[limits.max_hashtags]
        return [
            Finding(
                Rule.HASHTAG_COUNT,
                E,
                "text",
                f"{limits.name} allows {limits.max_hashtags} hashtags; this text has {count}.",
                f"Remove {count - limits.max_hashtags} hashtags.",
                (extra.start, tags[-1].end),
            )
        ]
    advised = policy.hashtag_warnings.get(limits.slug, RECOMMENDED_HASHTAGS.get(limits.slug))
    if advised is not None and count > advised:
        return [
            Finding(
                Rule.HASHTAG_COUNT,
                W,
                "text",
                f"More than {advised} hashtags on {limits.name} tends to reduce reach ({count}).",
                f"Keep at most {advised} hashtags.",
                (tags[advised].start, tags[-1].end),
            )
        ]
    return []


def mention_count(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    mentions = post.text.mentions
    if limits.max_mentions is None or len(mentions) <= limits.max_mentions:
        return []
    return [
        Finding(
            Rule.MENTION_COUNT,
            E,
            "text",
            f"{limits.name} allows {limits.max_mentions} mentions; this text has {len(mentions)}.",
            f"Remove {len(mentions) - limits.max_mentions} mentions.",
            (mentions[limits.max_mentions].start, mentions[-1].end),
        )
    ]


def media_count(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    images = sum(1 for m in post.media if not m.is_video_like)
    videos = len(post.media) - images
    problems = []
    if len(post.media) < limits.min_media:
        problems.append(
            (f"{limits.name} needs at least {limits.min_media} image or video.", "Attach media.")
        )
    if images > limits.max_images:
        problems.append(
            (
                f"{limits.name} allows {limits.max_images} images; this post has {images}.",
                f"Remove {images - limits.max_images} images.",
            )
        )
    if videos > limits.max_videos:
        problems.append(
            (
                f"{limits.name} allows {limits.max_videos} videos or GIFs; this post has {videos}.",
                "Post the videos separately.",
            )
        )
    if videos and images and not limits.mixed_media:
        problems.append(
            (f"{limits.name} cannot mix images with a video or GIF.", "Keep one kind of media.")
        )
    return [Finding(Rule.MEDIA_COUNT, E, "media", msg, tip) for msg, tip in problems]


def media_type(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    found = []
    for i, m in enumerate(post.media):
        allowed = limits.video_mimes if m.type == "video" else limits.image_mimes
        if m.type == "gif" and "image/gif" not in limits.image_mimes:
            allowed = frozenset()
        if m.mime not in allowed:
            kinds = ", ".join(sorted(allowed)) or "none"
            found.append(
                Finding(
                    Rule.MEDIA_TYPE,
                    E,
                    f"media[{i}]",
                    f"{limits.name} does not accept {m.type} as {m.mime or 'unknown type'}.",
                    f"Use one of: {kinds}.",
                )
            )
    return found


def media_size(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    found = []
    for i, m in enumerate(post.media):
        cap = {"image": limits.max_image_bytes, "gif": limits.max_gif_bytes}.get(
            m.type, limits.max_video_bytes
        )
        if cap is not None and m.size_bytes is not None and m.size_bytes > cap:
            found.append(
                Finding(
                    Rule.MEDIA_SIZE,
                    E,
                    f"media[{i}]",
                    f"{limits.name} accepts {m.type}s up to {cap} bytes; this one is "
                    f"{m.size_bytes}.",
                    "Compress or resize it.",
                )
            )
    return found


def aspect_ratio(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    if limits.aspect_ratio is None:
        return []
    low, high = limits.aspect_ratio
    found = []
    for i, m in enumerate(post.media):
        if m.type != "image" or not m.width or not m.height:
            continue
        # Compare cross-multiplied to avoid float rounding at exactly 4:5 or 1.91:1.
        if m.width * 1000 < round(low * 1000) * m.height or (
            m.width * 100 > round(high * 100) * m.height
        ):
            found.append(
                Finding(
                    Rule.ASPECT_RATIO,
                    E,
                    f"media[{i}]",
                    f"{limits.name} needs width/height between {low:.2f} and {high:.2f}; "
                    f"this image is {m.width}x{m.height} ({m.width / m.height:.2f}).",
                    "Crop the image.",
                )
            )
    return found


def video_duration(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    if limits.video_seconds is None:
        return []
    low, high = limits.video_seconds
    return [
        Finding(
            Rule.VIDEO_DURATION,
            E,
            f"media[{i}]",
            f"{limits.name} accepts videos of {low:g} to {high:g} seconds; this one is "
            f"{m.duration_s:g}.",
            "Trim the video." if m.duration_s > high else "Use a longer video.",
        )
        for i, m in enumerate(post.media)
        if m.type == "video" and m.duration_s is not None and not low <= m.duration_s <= high
    ]


def link_unsupported(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    if limits.clickable_links or not (post.link or post.text.urls):
        return []
    span = (post.text.urls[0].start, post.text.urls[0].end) if post.text.urls else None
    return [
        Finding(
            Rule.LINK_UNSUPPORTED,
            W,
            "link" if post.link else "text",
            f"Links are not clickable on {limits.name}.",
            'Say "link in bio" and put the link in the profile.',
            span,
        )
    ]


def schedule_window(post: PostView, limits: PlatformLimits, policy: Policy) -> list[Finding]:
    when = post.scheduled_at
    if when is None:
        return []
    if timezone.is_naive(when):
        return [
            Finding(
                Rule.SCHEDULE_WINDOW,
                E,
                "scheduled_at",
                "The scheduled time has no time zone.",
                "Send an ISO 8601 time with an offset, e.g. 2026-01-31T09:00:00+01:00.",
            )
        ]
    now: datetime = post.now or timezone.now()
    if when < now - SCHEDULE_PAST_GRACE:
        return [
            Finding(
                Rule.SCHEDULE_WINDOW,
                E,
                "scheduled_at",
                "The scheduled time is in the past.",
                "Pick a future time or publish now.",
            )
        ]
    if when > now + limits.schedule_horizon:
        return [
            Finding(
                Rule.SCHEDULE_WINDOW,
                E,
                "scheduled_at",
                f"{limits.name} posts can be scheduled at most "
                f"{limits.schedule_horizon.days} days ahead.",
                "Pick an earlier time.",
            )
        ]
    return []


# These read only the media and the platform's limits, so a batch can share their findings
# between posts with the same attachments (validation.services).
MEDIA_CHECKS = (media_count, media_type, media_size, aspect_ratio, video_duration)

PLATFORM_CHECKS = (
    text_length,
    hashtag_count,
    mention_count,
    *MEDIA_CHECKS,
    link_unsupported,
    schedule_window,
)
