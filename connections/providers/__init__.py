"""The provider registry: a literal dict keyed by platform slug. Model choices are built from
it. Providers are added here as they are written (see base.Provider for the protocol)."""

from connections.providers.base import Provider

REGISTRY: dict[str, type[Provider]] = {}


def get_provider(slug: str) -> Provider:
    return REGISTRY[slug]()


def platform_choices() -> list[tuple[str, str]]:
    return [(slug, cls.name) for slug, cls in REGISTRY.items()]
