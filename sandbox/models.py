"""The sandbox platforms' own state, in the database so the web, worker and beat processes
(and a test's live server) all see the same grants, tokens, faults and request log."""

from __future__ import annotations

from django.db import models


class SandboxGrant(models.Model):
    """An authorization code handed out by a consent page."""

    platform = models.CharField(max_length=32)
    code = models.CharField(max_length=128, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=1000)
    scopes = models.JSONField(default=list)
    subject = models.CharField(max_length=200)  # the fake platform user who approved
    code_challenge = models.CharField(max_length=200, blank=True)
    code_challenge_method = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} grant {self.pk}"


class SandboxToken(models.Model):
    ACCESS = "access"
    REFRESH = "refresh"
    PAGE = "page"
    LONG = "long"  # Instagram long-lived tokens (refresh themselves)

    platform = models.CharField(max_length=32)
    token = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16)
    # X: every token descended from one consent shares a family; reusing a spent refresh
    # token revokes the whole family.
    family = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=200)
    account_id = models.CharField(max_length=200, blank=True)  # page tokens: the Page
    scopes = models.JSONField(default=list)
    client_id = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)  # single-use refresh tokens
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __repr__(self) -> str:
        return f"<SandboxToken {self.platform} {self.kind} {self.pk}>"

    def __str__(self) -> str:
        return f"{self.platform} {self.kind} token {self.pk}"


class SandboxFault(models.Model):
    """ "The next `remaining` matching calls fail like this." See sandbox/faults.py."""

    platform = models.CharField(max_length=32)
    kind = models.CharField(max_length=32)
    # Which endpoints: "oauth" (authorize/token/revoke), "api" (identity, accounts), "publish",
    # or "any"; `path_contains` narrows it further.
    scope = models.CharField(max_length=16, default="any")
    path_contains = models.CharField(max_length=200, blank=True)
    remaining = models.PositiveIntegerField(default=1)
    options = models.JSONField(default=dict, blank=True)  # e.g. {"status": 503, "seconds": 2}
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.platform} {self.kind} x{self.remaining}"


class SandboxRequest(models.Model):
    """Every request the sandbox received, for tests and the demo to assert on. Secret values
    (client secrets, tokens, verifiers) are stored as "[present]", never in full."""

    platform = models.CharField(max_length=32, db_index=True)
    endpoint = models.CharField(max_length=64)  # e.g. "token", "users_me"
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=1000)
    params = models.JSONField(default=dict)  # query + form fields, secrets masked
    client_auth = models.CharField(max_length=16, blank=True)  # "basic", "body", ""
    bearer = models.BooleanField(default=False)
    grant_type = models.CharField(max_length=64, blank=True)
    status = models.PositiveSmallIntegerField(null=True)
    fault = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"
