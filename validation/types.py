"""Values that cross the service boundary: what a post is made of, as the checks see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from validation.text.entities import Analysed

MEDIA_KINDS = ("image", "gif", "video")


class MediaSpec(NamedTuple):
    """What validation needs to know about one attachment (no bytes). (A named tuple: its
    hash, taken per platform to share media findings, is computed in C.)"""

    type: str  # "image" | "gif" | "video"
    mime: str = ""
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    duration_s: float | None = None

    @property
    def is_video_like(self) -> bool:
        return self.type in ("video", "gif")


@dataclass(frozen=True)
class PostView:
    """One post as the checks see it for one platform (text already picked and normalised)."""

    text: Analysed
    media: tuple[MediaSpec, ...] = ()
    link: str | None = None
    scheduled_at: datetime | None = None
    now: datetime | None = None  # fixed by the caller so a batch sees one clock
