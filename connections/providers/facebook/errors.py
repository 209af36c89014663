"""Facebook Graph API errors: the shared Meta mapping (see meta_errors.py for the codes and
the doc links). Kept as its own module so Facebook-only cases have one obvious home."""

from __future__ import annotations

import requests

from connections.providers.meta_errors import raise_meta_error


def raise_for_response(response: requests.Response) -> None:
    raise_meta_error(response, platform="Facebook")
