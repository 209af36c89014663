"""Prometheus metrics, read from the database at scrape time.

Why a custom collector instead of counters incremented in code: web, Celery workers and Beat
are separate processes, often on separate machines. A `Counter.inc()` in a worker lives in
that worker's memory, is invisible to the web process serving /metrics, and is lost on every
restart; multiprocess mode only works for processes on one host sharing a directory. The
database already holds the facts (publish attempts, job statuses, audit rows, validation
runs), so each scrape runs a handful of aggregate queries and every process and machine is
counted once, with nothing to lose on restart. The cost is paid per scrape (every 15-60 s),
not per publish; the counters only go down when retention prunes old rows, which Prometheus
treats as a counter reset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db.models import Count, Q, Sum
from django.db.models.fields.json import KT
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry

from audit.models import ActionLog
from publishing.models import JobStatus, PublishAttempt, PublishJob

# Upper bounds (seconds) of the publish-call duration buckets.
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

# Audit actions that end a token refresh, and the outcome label each stands for. The vault
# writes `connection.refreshed` after a refresh and `connection.needs_reauth` when the
# platform says the grant is gone (from a refresh, a verify or a publish).
REFRESH_OUTCOMES = {"connection.refreshed": "success", "connection.needs_reauth": "needs_reauth"}


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        yield self._publishes()
        yield self._durations()
        yield self._queue_depth()
        yield self._token_refreshes()
        validation = self._validation_blocks()
        if validation is not None:
            yield validation
        yield from self._webhook_deliveries()

    def _publishes(self) -> Metric:
        family = CounterMetricFamily(
            "brandpost_publish_attempts",
            "Publish attempts by platform and outcome (from the attempt rows).",
            labels=["platform", "outcome"],
        )
        rows = (
            PublishAttempt.objects.filter(kind="publish")
            .exclude(outcome="")
            .values("job__platform", "outcome")
            .annotate(n=Count("id"))
            .order_by("job__platform", "outcome")
        )
        for row in rows:
            family.add_metric([row["job__platform"], row["outcome"]], row["n"])
        return family

    def _durations(self) -> Metric:
        """Time spent in the platform call of each finished publish attempt."""
        family = HistogramMetricFamily(
            "brandpost_publish_duration_seconds",
            "Duration of publish calls to the platform, by platform.",
            labels=["platform"],
        )
        buckets = {
            f"le_{i}": Count("id", filter=Q(duration_ms__lte=bound * 1000))
            for i, bound in enumerate(DURATION_BUCKETS)
        }
        rows = (
            PublishAttempt.objects.filter(kind="publish", duration_ms__isnull=False)
            .values("job__platform")
            .annotate(total=Count("id"), sum_ms=Sum("duration_ms"), **buckets)
            .order_by("job__platform")
        )
        for row in rows:
            cumulative = [
                (str(bound), row[f"le_{i}"]) for i, bound in enumerate(DURATION_BUCKETS)
            ] + [("+Inf", row["total"])]
            family.add_metric(
                [row["job__platform"]], cumulative, sum_value=(row["sum_ms"] or 0) / 1000
            )
        return family

    def _queue_depth(self) -> Metric:
        family = GaugeMetricFamily(
            "brandpost_jobs", "Publish jobs by current status.", labels=["status"]
        )
        counts = dict(
            PublishJob.objects.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for status in JobStatus.values:  # every status, zeros included, so alerts see 0
            family.add_metric([status], counts.get(status, 0))
        return family

    def _token_refreshes(self) -> Metric:
        family = CounterMetricFamily(
            "brandpost_token_refreshes",
            "Token refresh outcomes by platform (from the audit log).",
            labels=["platform", "outcome"],
        )
        rows = (
            ActionLog.objects.filter(action__in=list(REFRESH_OUTCOMES))
            .values("action", platform=KT("details__platform"))
            .annotate(n=Count("id"))
            .order_by("action", "platform")
        )
        for row in rows:
            family.add_metric([row["platform"] or "", REFRESH_OUTCOMES[row["action"]]], row["n"])
        return family

    def _validation_blocks(self) -> Metric | None:
        """Blocking findings by rule, across blocked validation runs. Findings are a JSON list
        per run, so they are counted in Python, streamed in chunks."""
        try:
            from validation.models import Outcome, ValidationRun
        except ImportError:  # validation app absent: no metric rather than a broken scrape
            return None
        family = CounterMetricFamily(
            "brandpost_validation_blocks",
            "Error-severity findings of blocked validation runs, by rule.",
            labels=["rule"],
        )
        per_rule: Counter[str] = Counter()
        runs = ValidationRun.objects.filter(outcome=Outcome.BLOCKED).values_list(
            "findings", flat=True
        )
        for findings in runs.iterator(chunk_size=1000):
            for finding in findings or []:
                if isinstance(finding, dict) and finding.get("severity") == "error":
                    per_rule[str(finding.get("rule", ""))] += 1
        for rule in sorted(per_rule):
            family.add_metric([rule], per_rule[rule])
        return family

    def _webhook_deliveries(self) -> Iterator[Metric]:
        """Platform webhook deliveries by result (webhooks/selectors.py says what counts)."""
        from webhooks.selectors import deliveries_by_result, deliveries_pending

        family = CounterMetricFamily(
            "brandpost_webhook_deliveries",
            "Webhook deliveries by platform and result: rejected (bad signature), or the "
            "outcome of each processing run (processed, duplicate, ignored, failed).",
            labels=["platform", "result"],
        )
        for platform, result, n in deliveries_by_result():
            family.add_metric([platform, result], n)
        yield family
        pending = GaugeMetricFamily(
            "brandpost_webhook_deliveries_pending",
            "Verified webhook deliveries of the last 7 days not processed yet, by platform.",
            labels=["platform"],
        )
        for platform, n in deliveries_pending():
            pending.add_metric([platform], n)
        yield pending


def registry() -> CollectorRegistry:
    """A registry of our own: the default one would add this web process's own gc/process
    metrics, which say nothing about workers."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(DatabaseCollector())
    return reg
