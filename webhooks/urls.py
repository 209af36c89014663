"""Public callbacks the platforms call: /webhooks/... (issue 7)."""

urlpatterns: list = []
