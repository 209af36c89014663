"""Sandbox insights and metrics endpoints, with full platform paths ("facebook/graph/...").
Mounted before the per-platform modules; filled in by the analytics work (issue 7)."""

urlpatterns: list = []
