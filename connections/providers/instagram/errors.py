"""Instagram (Instagram Login) errors: Graph-shaped like Facebook's, plus the token endpoint's
flat `{"error_type","code","error_message"}` form.
https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes
"""

from __future__ import annotations

import requests

from connections.providers.base import AuthRevoked
from connections.providers.http import json_body
from connections.providers.meta_errors import raise_meta_error


def raise_for_response(response: requests.Response) -> None:
    body = json_body(response)
    if "error_type" in body:
        # api.instagram.com/oauth/access_token: OAuthException for a bad/used code.
        raise AuthRevoked(
            f"Instagram: {body.get('error_message') or body.get('error_type')}",
            status=response.status_code,
            platform_code=str(body.get("code", "")),
        )
    raise_meta_error(response, platform="Instagram")
