"""Sandbox insights and metrics endpoints, with full platform paths ("facebook/graph/...").
Mounted before the per-platform modules, so these paths win over their catch-alls (e.g.
Facebook's graph/<node_id>). X's GET /2/tweets?ids= shares its path with publishing and
lives in sandbox/x/metrics.py."""

from django.urls import path, re_path

from sandbox.analytics import (
    facebook,
    faults,  # noqa: F401  (registers the sync fault kinds)
    google,
    instagram,
    linkedin,
)

urlpatterns = [
    path("facebook/graph/<str:page_id>/published_posts", facebook.published_posts),
    path("facebook/graph/<str:node_id>/insights", facebook.insights),
    # Instagram's API base may carry a version (graph.instagram.com/v21.0).
    path("linkedin/api/rest/organizationalEntityShareStatistics", linkedin.share_statistics),
    path("linkedin/api/rest/socialActions/<str:urn>", linkedin.social_actions),
    path(
        "google_business/mybusiness/v4/accounts/<str:account>/locations/<str:location>/"
        "localPosts:reportInsights",
        google.report_insights,
    ),
    path(
        "google_business/performance/v1/locations/<str:location>:fetchMultiDailyMetricsTimeSeries",
        google.daily_metrics,
    ),
    re_path(r"^instagram/graph/(?:v[\d.]+/)?(?P<object_id>\d+)/insights$", instagram.insights),
]
