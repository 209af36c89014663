"""The token vault (PlatformConnection) and the server-side half of an OAuth flow (OAuthState).

Tokens live only in EncryptedTextFields, which are not editable (no form or admin renders
them) and never appear in __str__/__repr__.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from connections.providers import platform_choices
from core.fields import EncryptedTextField


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Connected"
    EXPIRING = "expiring", "Expiring soon"
    NEEDS_REAUTH = "needs_reauth", "Needs re-authentication"
    REVOKED = "revoked", "Revoked"
    ERROR = "error", "Error"


class PlatformConnection(models.Model):
    """One account (a Page, an organization, a member, an X user, a location) a brand can
    publish to, with its tokens."""

    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="connections")
    platform = models.CharField(max_length=32, choices=platform_choices)
    account_id = models.CharField(max_length=255)
    account_kind = models.CharField(max_length=32, blank=True)  # page, organization, member...
    display_name = models.CharField(max_length=255, blank=True)
    username = models.CharField(max_length=255, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    granted_scopes = models.JSONField(default=list, blank=True)
    # Non-secret platform facts a publisher needs (e.g. the LinkedIn author URN, the Google
    # account/location path, the Instagram user id). Never tokens.
    extra = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    last_error = models.TextField(blank=True)

    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField()
    token_expires_at = models.DateTimeField(null=True, blank=True)  # None: does not expire
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    token_issued_at = models.DateTimeField(null=True, blank=True)
    # When the Beat sweep must next look at this row (refresh, or warn before expiry). None
    # when there is nothing to do (non-expiring token, needs re-auth): such rows stay out of
    # the partial index the sweep reads, however many there are.
    refresh_due_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "platform", "account_id"], name="connection_unique_account"
            )
        ]
        indexes = [
            models.Index(
                fields=["refresh_due_at"],
                condition=Q(refresh_due_at__isnull=False),
                name="connection_refresh_due",
            ),
        ]
        ordering = ["platform", "display_name"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.display_name or self.account_id}"

    def __repr__(self) -> str:
        return f"<PlatformConnection {self.pk} {self.platform}:{self.account_id} {self.status}>"

    @property
    def has_tokens(self) -> bool:
        return bool(self.access_token)


class OAuthStateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the platform"
    SELECTING = "selecting", "Waiting for account selection"
    DONE = "done", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class OAuthState(models.Model):
    """One OAuth attempt. `state` goes to the platform; everything else stays here. Single use:
    the callback consumes it with a conditional update."""

    state = models.CharField(max_length=64, unique=True)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=32, choices=platform_choices)
    code_verifier = EncryptedTextField()
    redirect_uri = models.URLField(max_length=1000)
    popup = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=OAuthStateStatus.choices, default=OAuthStateStatus.PENDING
    )
    # While the user picks accounts: the token set and the accounts on offer, as encrypted
    # JSON (page tokens included). Cleared once the selection is stored.
    pending_selection = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="oauthstate_expires")]

    def __str__(self) -> str:
        return f"OAuth {self.platform} for brand {self.brand_id} ({self.status})"

    def __repr__(self) -> str:
        return f"<OAuthState {self.pk} {self.platform} {self.status}>"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
