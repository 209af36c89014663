"""The sandbox's per-platform error renderers, looked up by slug (a literal dict, like the
provider registry). Each renderer module (sandbox/<slug>/errors.py) defines:
`token_error(exc: TokenError) -> HttpResponse` and `status_error(status: int) -> HttpResponse`.
"""

from __future__ import annotations

from types import ModuleType

from sandbox.facebook import errors as facebook_errors
from sandbox.google_business import errors as google_errors
from sandbox.instagram import errors as instagram_errors
from sandbox.linkedin import errors as linkedin_errors
from sandbox.x import errors as x_errors

RENDERERS: dict[str, ModuleType] = {
    "x": x_errors,
    "facebook": facebook_errors,
    "instagram": instagram_errors,
    "linkedin": linkedin_errors,
    "google_business": google_errors,
}

# The apps registered with each sandbox platform: our default sandbox credentials.
CLIENTS: dict[str, tuple[str, str]] = {
    slug: (f"sandbox-{slug}-client", f"sandbox-{slug}-secret") for slug in RENDERERS
}


def renderer(platform: str) -> ModuleType:
    return RENDERERS[platform]
