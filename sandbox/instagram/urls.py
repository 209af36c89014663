from django.urls import path, re_path

from sandbox.instagram import oauth, publish, video

# The provider's API base may carry a version (graph.instagram.com/v21.0): accept both.
V = r"^graph/(?:v[\d.]+/)?"

urlpatterns = [
    path("oauth/authorize", oauth.authorize),
    path("oauth/access_token", oauth.access_token),
    path("graph/access_token", oauth.exchange_token),
    path("graph/refresh_access_token", oauth.refresh_access_token),
    re_path(V + r"me$", oauth.me),
    # Content publishing (sandbox/instagram/publish.py); "me" stands for the token's account.
    # Video containers (sandbox/instagram/video.py) hand image requests on to publish.py.
    re_path(V + r"(?P<ig_id>\d+|me)/media$", video.media_edge),
    re_path(V + r"(?P<ig_id>\d+|me)/media_publish$", video.media_publish),
    re_path(V + r"(?P<ig_id>\d+|me)/content_publishing_limit$", publish.content_publishing_limit),
    re_path(V + r"(?P<object_id>\d+)$", publish.graph_object),
]
