"""The Meta apps that push to us, as a literal registry: which secret signs each one's
deliveries and callbacks, and which payload `object`s each may send.

Facebook (Facebook Login) signs with the Facebook app secret. Instagram with Instagram Login
is a separate app with its own secret, and its deliveries are signed with that one
(PLATFORMS.md §1, §2.3): an Instagram delivery signed with the Facebook secret is forged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class MetaApp:
    slug: str  # our platform slug, also the URL segment
    name: str
    secret_setting: str
    # Payload `object` values this app's subscription delivers, mapped to the platform slug
    # whose connections they concern.
    objects: dict[str, str]

    @property
    def secret(self) -> str:
        return getattr(settings, self.secret_setting, "") or ""


META_APPS: dict[str, MetaApp] = {
    "facebook": MetaApp(
        slug="facebook",
        name="Facebook",
        secret_setting="FACEBOOK_CLIENT_SECRET",
        objects={"page": "facebook"},
    ),
    "instagram": MetaApp(
        slug="instagram",
        name="Instagram",
        secret_setting="INSTAGRAM_CLIENT_SECRET",
        objects={"instagram": "instagram"},
    ),
}


def verify_token() -> str:
    return getattr(settings, "META_WEBHOOK_VERIFY_TOKEN", "") or ""
