"""Sandbox insights and metrics endpoints, with full platform paths ("facebook/graph/...").
Mounted before the per-platform modules. X's GET /2/tweets?ids= shares its path with
publishing and lives in sandbox/x/metrics.py."""

from sandbox.analytics import faults  # noqa: F401  (registers the sync fault kinds)

urlpatterns: list = []
