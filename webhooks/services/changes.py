"""The changes inside a Meta webhook payload, and what each does to our records.

Payload: {"object": "page"|"instagram", "entry": [{"id", "time", "changes": [{"field",
"value"}]}]} (PLATFORMS.md §2.3). `entry.id` is the Page id or the Instagram professional
account id, which is a connection's `account_id`; several brands may have connected the same
account, and each of them gets the change. Records are reached only through those
connections, so a change can never touch a brand that does not own the account.

Handlers return how many of our records they changed; 0 means "nothing of ours".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.services import record_action
from connections.models import PlatformConnection
from publishing.models import PublishJob
from webhooks.models import ActivityKind, PostActivity
from webhooks.platforms import MetaApp

# Feed `item`s that are the post itself (a `remove` of one of these deletes the post).
POST_ITEMS = frozenset({"status", "post", "photo", "video", "share", "link", "album"})
LIVE_VERBS = frozenset({"add", "edited", "unhide"})
GONE_VERBS = frozenset({"remove", "hide"})
MAX_TEXT = 2000


@dataclass(frozen=True)
class Change:
    platform: str  # the platform whose connections it concerns
    object: str
    entry_id: str
    time: int | None
    field: str
    value: dict

    @property
    def key(self) -> str:
        """Same entry, time, field and value: the same change, whichever delivery carries it."""
        canonical = json.dumps(
            [self.object, self.entry_id, self.time, self.field, self.value],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def happened_at(self) -> datetime:
        return _when(self.value.get("created_time")) or _when(self.time) or timezone.now()


def iter_changes(payload: object, app: MetaApp) -> Iterator[Change]:
    """Well-formed changes for the objects this app may deliver; anything else is skipped."""
    if not isinstance(payload, dict):
        return
    obj = payload.get("object")
    platform = app.objects.get(obj) if isinstance(obj, str) else None
    entries = payload.get("entry")
    if platform is None or not isinstance(entries, list):
        return
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("changes"), list):
            continue
        entry_time = entry.get("time")
        for change in entry["changes"]:
            if not isinstance(change, dict) or not isinstance(change.get("field"), str):
                continue
            value = change.get("value")
            yield Change(
                platform=platform,
                object=obj,
                entry_id=str(entry.get("id", "")),
                time=entry_time if isinstance(entry_time, int) else None,
                field=change["field"][:64],
                value=value if isinstance(value, dict) else {"value": value},
            )


def apply_change(change: Change) -> int:
    handler = HANDLERS.get((change.platform, change.field))
    return handler(change) if handler is not None else 0


# --- lookups ---------------------------------------------------------------------------------


def _when(value) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str) and value:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        parsed = parse_datetime(value.replace("+0000", "+00:00"))
        if parsed is not None:
            return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
    return None


def _connections(change: Change) -> list[PlatformConnection]:
    """Every brand's connection to the account the entry is about."""
    if not change.entry_id:
        return []
    match = Q(account_id=change.entry_id)
    if change.platform == "instagram":  # Instagram may also name the app-scoped id
        match |= Q(extra__app_scoped_id=change.entry_id)
    return list(PlatformConnection.objects.filter(platform=change.platform).filter(match))


def _jobs(change: Change, connections, post_ids) -> QuerySet[PublishJob]:
    ids = [str(i) for i in post_ids if i]
    return PublishJob.objects.filter(
        connection__in=connections, platform=change.platform, platform_post_id__in=ids
    ).select_related("brand", "connection")


def _author(value: dict) -> tuple[str, str]:
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    name = author.get("name") or author.get("username") or ""
    return str(author.get("id", ""))[:255], str(name)[:255]


# --- effects ---------------------------------------------------------------------------------


def _mark_deleted(change: Change, jobs: QuerySet[PublishJob]) -> int:
    when, changed = change.happened_at, 0
    for job in jobs.filter(platform_deleted_at__isnull=True):
        # Not a status change (the job did publish); only publishing.state changes status.
        updated = PublishJob.objects.filter(pk=job.pk, platform_deleted_at__isnull=True).update(
            platform_deleted_at=when, updated_at=timezone.now()
        )
        if updated:
            changed += 1
            record_action(
                action="job.deleted_on_platform",
                brand=job.brand,
                target=job,
                details={"platform": job.platform, "platform_post_id": job.platform_post_id},
            )
    return changed


def _record_activity(
    change: Change,
    *,
    connection: PlatformConnection,
    job: PublishJob | None,
    kind: str,
    item_id: str,
    parent_id: str,
    text: str = "",
    gone: bool = False,
    restore: bool = False,
) -> int:
    """Create or update one activity row; returns 1 when something changed."""
    author_id, author_name = _author(change.value)
    when = change.happened_at
    row, created = PostActivity.objects.get_or_create(
        connection=connection,
        kind=kind,
        item_id=item_id[:255],
        defaults={
            "brand_id": connection.brand_id,
            "job": job,
            "platform": change.platform,
            "parent_id": parent_id[:255],
            "author_id": author_id,
            "author_name": author_name,
            "text": text[:MAX_TEXT],
            "occurred_at": when,
            "removed_at": when if gone else None,
        },
    )
    if created:
        return 1
    if gone:
        if row.removed_at is not None:
            return 0
        row.removed_at = when
    elif row.removed_at is not None and not restore:
        return 0  # an add arriving after its removal (out of order) does not resurrect it
    else:
        row.removed_at = None
        row.text = text[:MAX_TEXT] or row.text
    row.save(update_fields=["removed_at", "text", "updated_at"])
    return 1


def _facebook_feed(change: Change) -> int:
    value = change.value
    item, verb = str(value.get("item", "")), str(value.get("verb", ""))
    connections = _connections(change)
    if not connections:
        return 0
    if item in POST_ITEMS and verb == "remove":
        # Photo posts may be known to us by the photo id or by the feed post id.
        return _mark_deleted(
            change, _jobs(change, connections, [value.get("post_id"), value.get("photo_id")])
        )
    if item != "comment" or not (verb in LIVE_VERBS or verb in GONE_VERBS):
        return 0
    comment_id = str(value.get("comment_id", ""))
    if not comment_id:
        return 0
    changed = 0
    for job in _jobs(change, connections, [value.get("post_id")]):  # our posts only
        changed += _record_activity(
            change,
            connection=job.connection,
            job=job,
            kind=ActivityKind.COMMENT,
            item_id=comment_id,
            parent_id=job.platform_post_id,
            text=str(value.get("message", "")),
            gone=verb in GONE_VERBS,
            restore=verb == "unhide",
        )
    return changed


def _instagram_comment(change: Change) -> int:
    value = change.value
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    comment_id = str(value.get("id", ""))
    connections = _connections(change)
    if not comment_id or not connections:
        return 0
    changed = 0
    for job in _jobs(change, connections, [media.get("id")]):  # our posts only
        changed += _record_activity(
            change,
            connection=job.connection,
            job=job,
            kind=ActivityKind.COMMENT,
            item_id=comment_id,
            parent_id=job.platform_post_id,
            text=str(value.get("text", "")),
        )
    return changed


def _instagram_mention(change: Change) -> int:
    """Our account was @mentioned in a caption (media_id) or a comment (comment_id): recorded
    for the account, and linked to our job when the mention sits on one of our posts."""
    value = change.value
    media_id, comment_id = str(value.get("media_id", "")), str(value.get("comment_id", ""))
    item_id = comment_id or media_id
    connections = _connections(change)
    if not item_id or not connections:
        return 0
    ours = {job.connection_id: job for job in _jobs(change, connections, [media_id])}
    return sum(
        _record_activity(
            change,
            connection=connection,
            job=ours.get(connection.pk),
            kind=ActivityKind.MENTION,
            item_id=item_id,
            parent_id=media_id,
        )
        for connection in connections
    )


HANDLERS: dict[tuple[str, str], Callable[[Change], int]] = {
    ("facebook", "feed"): _facebook_feed,
    ("instagram", "comments"): _instagram_comment,
    ("instagram", "mentions"): _instagram_mention,
}
