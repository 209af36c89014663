"""Stand-ins for the five platforms' HTTP APIs, mounted only when SANDBOX_PLATFORMS is on."""

urlpatterns: list = []
