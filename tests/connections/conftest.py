"""Helpers for connection tests (the `sandbox` fixture itself is in tests/conftest.py)."""

import re
from urllib.parse import parse_qs, urlsplit

import requests


def approve(authorize_url: str, decision: str = "approve") -> dict[str, list[str]]:
    """Act as the person on the sandbox consent page: load it, press Approve or Deny, and return
    the query the platform redirects back with (without following the redirect)."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
    answer = requests.post(
        authorize_url.split("?")[0],
        data={**fields, "decision": decision},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"].split("#")[0]
    return parse_qs(urlsplit(location).query)
