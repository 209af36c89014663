"""API routes under /api/v1/ (issue 7)."""

urlpatterns: list = []
