"""/api/v1/brands/<brand_id>/connections/...: thin views over connections.services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from connections import selectors, services
from connections.serializers import (
    ConnectionSerializer,
    DisconnectSerializer,
    OAuthStartInputSerializer,
    OAuthStartSerializer,
)
from core.api import ApiError, BrandScopedMixin
from tenancy.permissions import Action


class ConnectionScoped(BrandScopedMixin):
    read_action = Action.VIEW
    write_action = Action.MANAGE_CONNECTIONS

    def get_connection(self, connection_id: int):
        return selectors.connection_for_brand(brand=self.brand, connection_id=connection_id)


@extend_schema(tags=["connections"])
class ConnectionList(ConnectionScoped, generics.ListAPIView):
    """The brand's connections with status and expiry (never tokens)."""

    serializer_class = ConnectionSerializer

    def get_queryset(self):
        return selectors.connections_for_brand(brand=self.brand)


@extend_schema(tags=["connections"])
class ConnectionDetail(ConnectionScoped, APIView):
    @extend_schema(responses=ConnectionSerializer)
    def get(self, request, brand_id: int, connection_id: int):
        return Response(ConnectionSerializer(self.get_connection(connection_id)).data)


@extend_schema(tags=["connections"])
class OAuthStart(ConnectionScoped, APIView):
    @extend_schema(
        request=OAuthStartInputSerializer,
        responses={201: OAuthStartSerializer},
        summary="Start connecting an account: returns the platform's authorization URL",
    )
    def post(self, request, brand_id: int):
        data = OAuthStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            state, url = services.oauth_start(
                user=request.user,
                brand=self.brand,
                platform=data.validated_data["platform"],
                popup=data.validated_data["popup"],
                request=request,
            )
        except services.OAuthError as exc:
            raise ApiError(exc.reason, exc.message, 409) from None
        body = OAuthStartSerializer({"authorization_url": url, "expires_at": state.expires_at})
        return Response(body.data, status=status.HTTP_201_CREATED)


def _act(view: ConnectionScoped, connection_id: int, action: str) -> Response:
    connection = view.get_connection(connection_id)
    try:
        if action == "verify":
            connection = services.connection_verify(
                connection=connection, actor=view.request.user, request=view.request
            )
        elif action == "refresh":
            connection = services.connection_refresh(
                connection=connection, actor=view.request.user, request=view.request
            )
        else:
            connection, note = services.connection_disconnect(
                connection=connection, actor=view.request.user, request=view.request
            )
            return Response(DisconnectSerializer({"connection": connection, "note": note}).data)
    except services.ConnectionActionError as exc:
        raise ApiError(
            "connection_action_failed",
            str(exc),
            409,
            details={"connection": ConnectionSerializer(view.get_connection(connection_id)).data},
        ) from None
    return Response(ConnectionSerializer(connection).data)


@extend_schema(tags=["connections"])
class ConnectionVerify(ConnectionScoped, APIView):
    @extend_schema(
        request=None, responses=ConnectionSerializer, summary="Ask the platform who the token is"
    )
    def post(self, request, brand_id: int, connection_id: int):
        return _act(self, connection_id, "verify")


@extend_schema(tags=["connections"])
class ConnectionRefresh(ConnectionScoped, APIView):
    @extend_schema(request=None, responses=ConnectionSerializer, summary="Refresh the token now")
    def post(self, request, brand_id: int, connection_id: int):
        return _act(self, connection_id, "refresh")


@extend_schema(tags=["connections"])
class ConnectionDisconnect(ConnectionScoped, APIView):
    @extend_schema(
        request=None,
        responses=DisconnectSerializer,
        summary="Revoke at the platform, then delete the tokens",
    )
    def post(self, request, brand_id: int, connection_id: int):
        return _act(self, connection_id, "disconnect")
