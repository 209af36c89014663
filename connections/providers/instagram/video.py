"""What Instagram publishing does differently for video (connections/providers/instagram/
publish.py calls these; the container flow, polling and publishing are the same):

- a single video is a Reel: POST /{ig-id}/media media_type=REELS, video_url, caption,
  share_to_feed=true (the Reel also shows in the profile's feed grid, as a post would);
- a video in a carousel is a child: media_type=VIDEO, video_url, is_carousel_item=true (the
  caption stays on the parent);
- video containers take longer to reach FINISHED, so an attempt with video waits up to
  PUBLISH_VIDEO_MAX_WAIT_SECONDS for them (PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS for images only);
- MP4 or MOV only, refused before any call; a file Instagram cannot read ends its container in
  ERROR with subcode 2207026 (connections/providers/instagram/errors.py says what it means);
- a published Reel is listed with media_type VIDEO (media_product_type REELS), which is how a
  lost answer is found among the account's recent media.

What this relies on (Meta's pages and clients, found with the docs search):
- https://developers.facebook.com/docs/graph-api/changelog/out-of-cycle-changes/june-28-2022:
  media_type=REELS publishes a video as a Reel; since 2023-11-09 VIDEO is no longer accepted
  for a single video ("use REELS"), so VIDEO is only for carousel items.
- https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/
  reference/ig-user/media.md: POST /{ig-id}/media creates image, carousel, story and reel
  containers; containers expire after 24 h.
- Reel parameters video_url, caption, share_to_feed, thumb_offset (ms), location_id, and
  carousel video items video_url (+ thumb_offset): the instagram-graph-api crate's
  CreatingWithReels / CreatingWithCarouselItemVideo [code]; MOV or MP4, 3 s to 15 min [3p].
  We send no thumb_offset: Instagram then takes its default frame (our media has no cover
  choice to pass on).
"""

from __future__ import annotations

from django.conf import settings

from connections.providers import base as pb

VIDEO_MIMES = frozenset({"video/mp4", "video/quicktime"})


def is_video(item: pb.MediaItem) -> bool:
    return item.mime.lower().startswith("video/")


def has_video(content: pb.PostContent) -> bool:
    return any(is_video(item) for item in content.media)


def refuse_unsupported(content: pb.PostContent) -> None:
    """Rejected, before any call, for a video Instagram does not take."""
    for item in content.media:
        if is_video(item) and item.mime.lower() not in VIDEO_MIMES:
            raise pb.Rejected(
                f"Instagram: only MP4 or MOV videos can be published (got {item.mime})",
                reason="Instagram takes MP4 or MOV videos only",
            )


def reel_fields(item: pb.MediaItem, caption: str) -> dict[str, str]:
    return {
        "media_type": "REELS",
        "video_url": item.url,
        "caption": caption,
        "share_to_feed": "true",
    }


def child_fields(item: pb.MediaItem) -> dict[str, str]:
    return {"media_type": "VIDEO", "video_url": item.url, "is_carousel_item": "true"}


def max_wait_seconds(content: pb.PostContent) -> int:
    if has_video(content):
        return settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS
    return settings.PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS


def listed_type(content: pb.PostContent) -> str:
    """The media_type the account's media listing shows for this post."""
    if len(content.media) > 1:
        return "CAROUSEL_ALBUM"
    return "VIDEO" if has_video(content) else "IMAGE"
