from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import healthz

api_v1 = [
    path("", include("tenancy.api_urls")),
    path("", include("connections.api_urls")),
    path("", include("publishing.api_urls")),
    path("", include("validation.api_urls")),
    path("", include("audit.api_urls")),
    path("", include("analytics.api_urls")),
    path("", include("reviews.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("audit.urls")),  # /admin/dashboard/ (before the admin) and /metrics
    path("admin/", admin.site.urls),
    path("webhooks/", include("webhooks.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("publishing.urls")),
    path("", include("tenancy.urls")),
    path("", include("connections.urls")),
]

if settings.SANDBOX_PLATFORMS:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
