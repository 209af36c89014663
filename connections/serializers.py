"""API shapes. Tokens are not fields of any serializer here, by construction."""

from rest_framework import serializers

from connections.models import PlatformConnection
from connections.providers import REGISTRY, get_provider


class ConnectionSerializer(serializers.ModelSerializer):
    missing_scopes = serializers.SerializerMethodField()
    platform_name = serializers.CharField(source="get_platform_display", read_only=True)

    class Meta:
        model = PlatformConnection
        fields = [
            "id",
            "platform",
            "platform_name",
            "account_id",
            "account_kind",
            "display_name",
            "username",
            "avatar_url",
            "status",
            "last_error",
            "granted_scopes",
            "missing_scopes",
            "token_expires_at",
            "last_refreshed_at",
            "last_verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_missing_scopes(self, connection: PlatformConnection) -> list[str]:
        return get_provider(connection.platform).missing_scopes(connection.granted_scopes or [])


class OAuthStartInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=list(REGISTRY))
    popup = serializers.BooleanField(default=False)


class OAuthStartSerializer(serializers.Serializer):
    authorization_url = serializers.URLField(
        help_text="Open this in the user's browser; the platform redirects back to our "
        "callback page, which needs the same user signed in to the web app."
    )
    expires_at = serializers.DateTimeField()


class DisconnectSerializer(serializers.Serializer):
    connection = ConnectionSerializer()
    note = serializers.CharField(help_text="Set when the platform could not be told.")
