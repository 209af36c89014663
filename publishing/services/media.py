"""Media uploads: stored once per brand, served at a public URL platforms can fetch."""

from __future__ import annotations

import mimetypes

from django.db import transaction

from audit.services import record_action
from publishing.models import MediaAsset
from publishing.services.posts import PublishingError

ALLOWED_KINDS = ("image", "video")
MAX_BYTES = 512 * 1024 * 1024


@transaction.atomic
def media_create(
    *,
    brand,
    actor,
    file=None,
    url: str = "",
    mime: str = "",
    alt_text: str = "",
    width: int | None = None,
    height: int | None = None,
    duration_s: float | None = None,
    request=None,
) -> MediaAsset:
    name = getattr(file, "name", "") or url
    mime = mime or getattr(file, "content_type", "") or mimetypes.guess_type(name)[0] or ""
    if mime.split("/", 1)[0] not in ALLOWED_KINDS:
        raise PublishingError(
            "unsupported_media", f"Unsupported media type {mime!r}.", field="file"
        )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PublishingError("media_too_large", "The file is too large.", field="file")
    asset = MediaAsset(
        brand=brand,
        source_url=url,
        mime=mime,
        size_bytes=size,
        width=width,
        height=height,
        duration_s=duration_s,
        alt_text=alt_text,
        created_by=actor,
    )
    if file is not None:
        asset.file.save(file.name, file, save=False)
    asset.full_clean()
    asset.save()
    record_action(
        action="media.create", actor=actor, brand=brand, target=asset, request=request,
        details={"mime": mime, "size_bytes": size},
    )  # fmt: skip
    return asset
