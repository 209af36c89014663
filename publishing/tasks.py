"""Celery tasks: thin. They take ids and call services.

`acks_late` is safe for publish_job because the claim (queued -> publishing, conditional) makes
a redelivered message a no-op, and a worker killed mid-call leaves a lease the reaper turns
into a reconcile.
"""

from __future__ import annotations

from celery import shared_task

from publishing import dispatch
from publishing.services import execution, platform_calls


@shared_task(
    name="publishing.publish_job", queue=dispatch.PUBLISH_QUEUE, acks_late=True, ignore_result=True
)
def publish_job(*, job_id: int) -> str:
    return execution.job_execute(job_id)


@shared_task(
    name="publishing.reconcile_job",
    queue=dispatch.PUBLISH_QUEUE,
    acks_late=True,
    ignore_result=True,
)
def reconcile_job(*, job_id: int) -> str:
    return execution.job_reconcile(job_id)


@shared_task(name="publishing.dispatch_due", ignore_result=True)
def dispatch_due() -> dict:
    return dispatch.dispatch_due()


@shared_task(name="publishing.reap_leases", ignore_result=True)
def reap_leases() -> int:
    reaped = dispatch.reap_expired_leases()
    platform_calls.resume_reconnected()
    return reaped
