"""The provider registry: a literal dict keyed by platform slug. Model choices are built from
it. Each platform is a package `connections/providers/<slug>/` (see common.BaseProvider)."""

from connections.providers.base import Provider
from connections.providers.facebook import FacebookProvider
from connections.providers.google_business import GoogleBusinessProvider
from connections.providers.instagram import InstagramProvider
from connections.providers.linkedin import LinkedInProvider
from connections.providers.x import XProvider

REGISTRY: dict[str, type[Provider]] = {
    "instagram": InstagramProvider,
    "facebook": FacebookProvider,
    "linkedin": LinkedInProvider,
    "x": XProvider,
    "google_business": GoogleBusinessProvider,
}
PLATFORM_SLUGS: tuple[str, ...] = tuple(REGISTRY)


def get_provider(slug: str) -> Provider:
    return REGISTRY[slug]()


def platform_choices() -> list[tuple[str, str]]:
    return [(slug, cls.name) for slug, cls in REGISTRY.items()]
