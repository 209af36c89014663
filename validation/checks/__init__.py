"""Checks: small pure functions `(post, ..., policy) -> list[Finding]`."""
