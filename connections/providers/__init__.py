"""The provider registry: a literal dict keyed by platform slug. Model choices are built from
it. Each platform is a package `connections/providers/<slug>/` (see common.BaseProvider)."""

from connections.providers.base import Provider
from connections.providers.x import XProvider

REGISTRY: dict[str, type[Provider]] = {
    "x": XProvider,
}


def get_provider(slug: str) -> Provider:
    return REGISTRY[slug]()


def platform_choices() -> list[tuple[str, str]]:
    return [(slug, cls.name) for slug, cls in REGISTRY.items()]
