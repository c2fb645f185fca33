"""Launching a campaign: schedule every convocation, queue invitations and reminders, go live.

All of it in ONE transaction: a launch that fails half-way leaves no appointment and no
message behind, and the campaign stays "ready". Big campaigns (more than WORKER_THRESHOLD
convocations) are launched by the worker; the campaign page follows the job's status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from sil.campaigns.messaging import enqueue_invitations
from sil.campaigns.models import Campaign, CampaignState, Convocation, ConvocationState
from sil.core.audit import audit_context

# progress(done, total, phase): phase is "scheduling" (offices) or "messages" (convocations).
Progress = Callable[[int, int, str], Any]
WORKER_THRESHOLD = 5000
TASK_NAME = "sil.campaigns.launch_campaign"


@dataclass
class LaunchResult:
    convocations: int = 0
    scheduled: int = 0
    unscheduled: int = 0
    messages: int = 0
    deferred: bool = False
    job_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _phase(progress: Progress | None, phase: str) -> Callable[[int, int], Any] | None:
    if progress is None:
        return None
    return lambda done, total: progress(done, total, phase)


def _check(campaign: Campaign, by: Any) -> None:
    from sil.campaigns.machine import check_transition

    check_transition(campaign, CampaignState.RUNNING, by)


def do_launch_campaign(
    campaign: Campaign, *, by: Any, progress: Progress | None = None
) -> LaunchResult:
    """Check the move to "running", schedule, invite, and mark the campaign as launched."""
    from sil.campaigns.scheduling import schedule_campaign

    context: dict[str, Any] = {"action": "launch_campaign", "campaign": campaign.pk}
    if getattr(by, "pk", None):
        context.update(user=by.pk, username=by.get_username())
    with transaction.atomic(), audit_context(**context):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check(locked, by)
        schedule_campaign(locked, by=by, progress=_phase(progress, "scheduling"))
        messages = enqueue_invitations(locked, progress=_phase(progress, "messages"), by=by)
        convocations = Convocation.objects.filter(campaign=locked)
        result = LaunchResult(
            convocations=convocations.count(),
            scheduled=convocations.filter(appointment__isnull=False).count(),
            unscheduled=convocations.filter(
                appointment__isnull=True,
                state__in=(ConvocationState.TO_ASSIGN, ConvocationState.ASSIGNED),
            ).count(),
            messages=messages,
        )
        locked.state = CampaignState.RUNNING
        locked.launched_at = timezone.now()
        locked.save(update_fields=["state", "launched_at"])
    campaign.state, campaign.launched_at = locked.state, locked.launched_at
    return result


def launch(campaign: Campaign, *, by: Any, progress: Progress | None = None) -> LaunchResult:
    """Launch now, or hand a big campaign to the worker (one job per campaign at a time)."""
    size = Convocation.objects.filter(campaign=campaign).count()
    if size <= WORKER_THRESHOLD:
        return do_launch_campaign(campaign, by=by, progress=progress)
    _check(campaign, by)
    job_id: int | None
    try:
        with transaction.atomic():  # a savepoint: a clash must not spoil the caller's transaction
            job_id = launch_campaign_task.configure(
                queueing_lock=f"campaign-launch-{campaign.pk}"
            ).defer(campaign_id=campaign.pk, user_id=getattr(by, "pk", None))
    except AlreadyEnqueued:
        job_id = launch_status(campaign).job_id
    return LaunchResult(convocations=size, deferred=True, job_id=job_id)


@dataclass
class LaunchStatus:
    status: str  # "none", "todo", "doing", "succeeded", "failed", "cancelled", "aborted"
    job_id: int | None = None
    error: str = ""

    @property
    def running(self) -> bool:
        return self.status in ("todo", "doing")


def launch_status(campaign: Campaign) -> LaunchStatus:
    """Where the worker is with this campaign's launch (for the live status on the page)."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    job = (
        ProcrastinateJob.objects.filter(task_name=TASK_NAME, args__campaign_id=campaign.pk)
        .order_by("-id")
        .first()
    )
    if job is None:
        return LaunchStatus("none")
    return LaunchStatus(str(job.status), job.id)


@app.task(name=TASK_NAME, queue="campaigns")
def launch_campaign_task(campaign_id: int, user_id: int | None = None) -> dict[str, Any]:
    campaign = Campaign.objects.get(pk=campaign_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return do_launch_campaign(campaign, by=user).as_dict()
