"""Sandbox control endpoints that send signed webhook deliveries to us (issue 7)."""

urlpatterns: list = []
