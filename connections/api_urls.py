from django.urls import path

from connections import api

prefix = "brands/<int:brand_id>/connections/"

urlpatterns = [
    path(prefix, api.ConnectionList.as_view(), name="api-connection-list"),
    path(f"{prefix}oauth/start/", api.OAuthStart.as_view(), name="api-connection-oauth-start"),
    path(
        f"{prefix}<int:connection_id>/",
        api.ConnectionDetail.as_view(),
        name="api-connection-detail",
    ),
    path(
        f"{prefix}<int:connection_id>/verify/",
        api.ConnectionVerify.as_view(),
        name="api-connection-verify",
    ),
    path(
        f"{prefix}<int:connection_id>/refresh/",
        api.ConnectionRefresh.as_view(),
        name="api-connection-refresh",
    ),
    path(
        f"{prefix}<int:connection_id>/disconnect/",
        api.ConnectionDisconnect.as_view(),
        name="api-connection-disconnect",
    ),
]
