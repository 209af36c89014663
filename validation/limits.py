"""What each platform accepts, as data (from /work/shared/PLATFORMS.md; where that page
cites only memory or third parties the value is marked [mem]/[3p]).

Hard limits here are what the platform's API refuses: breaking one is an `error`.
Recommendations (fewer hashtags than the platform allows) are `warning`s; their defaults
live in RECOMMENDED_HASHTAGS and a brand can override them in its policy. Instagram's hashtag
cap changed in Dec 2025 (30 -> 5, rolled out gradually), so it can be set with the
VALIDATION_INSTAGRAM_MAX_HASHTAGS setting without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings

MiB = 1024 * 1024

JPEG = frozenset({"image/jpeg"})
COMMON_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
COMMON_VIDEOS = frozenset({"video/mp4", "video/quicktime"})


@dataclass(frozen=True)
class PlatformLimits:
    slug: str
    name: str
    max_length: int
    weighted: bool  # X counts by twitter-text v3 weights, the others by code points
    threads: bool  # a long text can go out as a thread (validation.threads)
    max_hashtags: int | None
    max_mentions: int | None
    min_media: int
    max_images: int
    max_videos: int  # videos and GIFs
    mixed_media: bool  # images and a video in one post
    image_mimes: frozenset[str]
    video_mimes: frozenset[str]
    max_image_bytes: int | None
    max_gif_bytes: int | None
    max_video_bytes: int | None
    aspect_ratio: tuple[float, float] | None  # width / height, inclusive
    video_seconds: tuple[float, float] | None
    clickable_links: bool
    schedule_horizon: timedelta
    source: str


def _instagram_max_hashtags() -> int:
    return int(getattr(settings, "VALIDATION_INSTAGRAM_MAX_HASHTAGS", 5))


def _build() -> dict[str, PlatformLimits]:
    return {
        "instagram": PlatformLimits(
            slug="instagram",
            name="Instagram",
            max_length=2200,
            weighted=False,
            threads=False,
            max_hashtags=_instagram_max_hashtags(),  # 5 since Dec 2025 [3p]; docs said 30
            max_mentions=20,  # @-tags [3p]
            min_media=1,  # no text-only posts
            max_images=10,  # carousel 2-10 [3p]
            max_videos=10,  # carousel children may be videos
            mixed_media=True,
            image_mimes=JPEG,  # JPEG only [doc]
            video_mimes=COMMON_VIDEOS,
            max_image_bytes=8 * MiB,  # error 2207004 [doc]
            max_gif_bytes=None,
            max_video_bytes=None,
            aspect_ratio=(4 / 5, 1.91),  # error 2207009 [doc]
            video_seconds=(3, 15 * 60),  # [mem]
            clickable_links=False,  # links in captions are not clickable [3p]
            schedule_horizon=timedelta(days=75),  # [mem] Meta Business Suite horizon
            source="PLATFORMS.md §1.3-1.4",
        ),
        "facebook": PlatformLimits(
            slug="facebook",
            name="Facebook Pages",
            max_length=63206,  # [mem; commonly cited]
            weighted=False,
            threads=False,
            max_hashtags=None,
            max_mentions=None,
            min_media=0,
            max_images=10,  # [mem] attached_media in practice
            max_videos=1,
            mixed_media=False,
            image_mimes=COMMON_IMAGES,
            video_mimes=COMMON_VIDEOS,
            max_image_bytes=4 * MiB,  # subcode 1366046 "Photo > 4 MB" [code]
            max_gif_bytes=4 * MiB,
            max_video_bytes=None,
            aspect_ratio=None,
            video_seconds=None,
            clickable_links=True,
            schedule_horizon=timedelta(days=75),  # [mem]
            source="PLATFORMS.md §2.2, §2.5",
        ),
        "linkedin": PlatformLimits(
            slug="linkedin",
            name="LinkedIn",
            max_length=3000,  # [3p][code]
            weighted=False,
            threads=False,
            max_hashtags=None,
            max_mentions=None,
            min_media=0,
            max_images=20,  # multiImage 2-20 [3p][code]
            max_videos=1,
            mixed_media=False,
            image_mimes=frozenset({"image/jpeg", "image/png", "image/gif"}),
            video_mimes=frozenset({"video/mp4"}),
            max_image_bytes=None,
            max_gif_bytes=None,
            max_video_bytes=None,
            aspect_ratio=None,
            video_seconds=(3, 30 * 60),  # [mem]
            clickable_links=True,
            schedule_horizon=timedelta(days=90),  # [mem]
            source="PLATFORMS.md §3.2-3.3",
        ),
        "x": PlatformLimits(
            slug="x",
            name="X",
            max_length=280,  # weighted, twitter-text config/v3.json
            weighted=True,
            threads=True,
            # tweetypie TweetText.scala: maxMentions = 50, maxHashtags = 50.
            max_hashtags=50,
            max_mentions=50,
            min_media=0,
            max_images=4,  # 4 images, or 1 GIF, or 1 video [doc]
            max_videos=1,
            mixed_media=False,
            image_mimes=COMMON_IMAGES,
            video_mimes=COMMON_VIDEOS,
            max_image_bytes=5 * MiB,  # [mem] media best practices
            max_gif_bytes=15 * MiB,  # [mem]
            max_video_bytes=512 * MiB,  # [mem]
            aspect_ratio=None,
            video_seconds=(0.5, 140),  # [mem]
            clickable_links=True,
            schedule_horizon=timedelta(days=540),  # [mem] about 18 months
            source="PLATFORMS.md §4.2-4.3",
        ),
        "google_business": PlatformLimits(
            slug="google_business",
            name="Google Business Profile",
            max_length=1500,  # summary [3p]
            weighted=False,
            threads=False,
            max_hashtags=None,
            max_mentions=None,
            min_media=0,
            max_images=1,  # media[0] only [3p][code]
            max_videos=0,
            mixed_media=False,
            image_mimes=frozenset({"image/jpeg", "image/png"}),
            video_mimes=frozenset(),
            max_image_bytes=5 * MiB,  # [mem] Google Help
            max_gif_bytes=None,
            max_video_bytes=None,
            aspect_ratio=None,
            video_seconds=None,
            clickable_links=True,  # as a LEARN_MORE call to action
            schedule_horizon=timedelta(days=365),  # [mem]
            source="PLATFORMS.md §5.2-5.3",
        ),
    }


# The stricter advice of the old system: warnings, not errors. A brand can override each
# value (BrandPolicy.hashtag_warnings); None means "no advice".
RECOMMENDED_HASHTAGS: dict[str, int | None] = {
    "instagram": 5,
    "facebook": 10,
    "linkedin": 3,
    "x": 5,
    "google_business": None,
}

# Scheduling closer than this is treated as "now" by the dispatcher; anything earlier than
# now minus this grace is in the past.
SCHEDULE_PAST_GRACE = timedelta(seconds=60)

PLATFORM_SLUGS: tuple[str, ...] = ("instagram", "facebook", "linkedin", "x", "google_business")


_STATIC = _build()


def limits_for(slug: str) -> PlatformLimits:
    """The limits of one platform; KeyError for an unknown slug."""
    limits = _STATIC[slug]
    if slug == "instagram" and limits.max_hashtags != _instagram_max_hashtags():
        # The setting is read per call so tests and deployments can flip it (5 or 30).
        limits = replace(limits, max_hashtags=_instagram_max_hashtags())
    return limits
