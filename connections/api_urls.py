from django.urls import path

from connections import api

prefix = "brands/<id:brand_id>/connections/"

urlpatterns = [
    path(prefix, api.ConnectionList.as_view(), name="api-connection-list"),
    path(f"{prefix}oauth/start/", api.OAuthStart.as_view(), name="api-connection-oauth-start"),
    path(
        f"{prefix}<id:connection_id>/",
        api.ConnectionDetail.as_view(),
        name="api-connection-detail",
    ),
    path(
        f"{prefix}<id:connection_id>/verify/",
        api.ConnectionVerify.as_view(),
        name="api-connection-verify",
    ),
    path(
        f"{prefix}<id:connection_id>/refresh/",
        api.ConnectionRefresh.as_view(),
        name="api-connection-refresh",
    ),
    path(
        f"{prefix}<id:connection_id>/disconnect/",
        api.ConnectionDisconnect.as_view(),
        name="api-connection-disconnect",
    ),
]
