from django.urls import path, re_path

from sandbox.instagram import oauth

urlpatterns = [
    path("oauth/authorize", oauth.authorize),
    path("oauth/access_token", oauth.access_token),
    path("graph/access_token", oauth.exchange_token),
    path("graph/refresh_access_token", oauth.refresh_access_token),
    # The provider's API base may carry a version (graph.instagram.com/v21.0): accept both.
    re_path(r"^graph/(?:v[\d.]+/)?me$", oauth.me),
]
