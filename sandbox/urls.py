"""Stand-ins for the five platforms' HTTP APIs, mounted only when SANDBOX_PLATFORMS is on.
Each platform lives under /sandbox/<slug>/ with its own url module (oauth now; publishing adds
its endpoints to the same module). Cross-platform features keep their own url modules, mounted
at the root with full platform paths: analytics (insights/metrics endpoints) and webhooks
(signed deliveries the sandbox sends to us)."""

from django.urls import include, path

from sandbox import control

urlpatterns = [
    path("_control/faults", control.faults_view, name="sandbox-faults"),
    path("_control/requests", control.requests_view, name="sandbox-requests"),
    path("_control/reset", control.reset_view, name="sandbox-reset"),
    path("avatar/<slug:platform>/<str:key>.svg", control.avatar, name="sandbox-avatar"),
    path("", include("sandbox.analytics.urls")),
    path("", include("sandbox.webhooks.urls")),
    path("x/", include("sandbox.x.urls")),
    path("facebook/", include("sandbox.facebook.urls")),
    path("instagram/", include("sandbox.instagram.urls")),
    path("linkedin/", include("sandbox.linkedin.urls")),
    path("google_business/", include("sandbox.google_business.urls")),
]
