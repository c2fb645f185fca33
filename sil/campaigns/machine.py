"""The campaign state machine: ONE table of allowed moves, who may make them, and what a
campaign needs before it may leave the draft.

    bozza (draft) ⇄ pronta (ready) → in corso (running) → chiusa (closed)

`running` is entered only by `sil.campaigns.launch.do_launch_campaign`, which calls
`check_transition(campaign, CampaignState.RUNNING, user)` first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.accounts.models import Role
from sil.accounts.queries import has_role
from sil.campaigns.models import Campaign, CampaignState, OfficeCapacity, TemplateStep

REGION_ROLES = frozenset({Role.REGION, Role.ADMIN})
PREPARING_ROLES = REGION_ROLES | {Role.CPI_MANAGER}

# (from, to) -> roles allowed to make the move
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (CampaignState.DRAFT, CampaignState.READY): PREPARING_ROLES,
    (CampaignState.READY, CampaignState.DRAFT): PREPARING_ROLES,
    (CampaignState.READY, CampaignState.RUNNING): REGION_ROLES,
    (CampaignState.RUNNING, CampaignState.CLOSED): REGION_ROLES,
}

# Steps whose texts every chosen channel needs before the campaign may be ready.
REQUIRED_STEPS = (TemplateStep.INVITATION,)


class CampaignTransitionError(ValidationError):
    """An illegal move, a missing permission, or a campaign not ready for the move."""


def allowed_targets(state: str) -> list[str]:
    """The states a campaign in `state` may move to (for buttons and API hints)."""
    return [target for (source, target) in TRANSITIONS if source == state]


def may_move(user: Any, source: str, target: str) -> bool:
    """Whether the user's roles allow the move (superusers always)."""
    roles = TRANSITIONS.get((source, target))
    if roles is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or has_role(user, *roles))


def may_edit(user: Any) -> bool:
    """Creating and editing campaigns: the Region and CPI managers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or has_role(user, *PREPARING_ROLES))


def readiness_problems(campaign: Campaign) -> list[str]:
    """What keeps the campaign from being ready, in Italian; empty when nothing does."""
    problems: list[str] = []
    if not campaign.channels:
        problems.append(_("Scegliere almeno un canale di invio."))
    if campaign.deadline <= timezone.localdate():
        problems.append(_("Il termine della campagna deve essere nel futuro."))
    if not campaign.imports.filter(written=True, dry_run=False).exists():
        problems.append(_("Importare la lista dei beneficiari."))
    offices = dict(
        campaign.convocations.values_list("office_id").annotate(n=Count("id")).order_by()
    )
    offices.pop(None, None)
    if not offices:
        problems.append(_("La lista importata non contiene nessuna persona da convocare."))
    texts = set(
        campaign.templates.filter(language="it").exclude(body="").values_list("step", "channel")
    )
    steps = list(REQUIRED_STEPS)
    if campaign.reminder_days:
        steps.append(TemplateStep.REMINDER)
    for channel in campaign.channels:
        for step in steps:
            if (step, channel) not in texts:
                problems.append(
                    _("Manca il testo in italiano di «%(step)s» per il canale %(channel)s.")
                    % {"step": TemplateStep(step).label, "channel": channel}
                )
    if offices:
        capacities = set(
            OfficeCapacity.objects.filter(
                campaign=campaign, office_id__in=offices, per_day__gt=0
            ).values_list("office_id", flat=True)
        )
        missing = [office for office in offices if office not in capacities]
        if missing:
            problems.append(
                _("Indicare la capacità giornaliera di %(count)d CPI con persone da convocare.")
                % {"count": len(missing)}
            )
    return problems


def check_transition(campaign: Campaign, target: str, user: Any) -> None:
    """Raise CampaignTransitionError (Italian messages) unless the move is allowed now."""
    source = campaign.state
    if (source, target) not in TRANSITIONS:
        raise CampaignTransitionError(
            _("Operazione non consentita: una campagna %(source)s non può passare a %(target)s.")
            % {
                "source": str(CampaignState(source).label),
                "target": str(CampaignState(target).label)
                if target in CampaignState.values
                else target,
            },
            code="illegal_transition",
        )
    if not may_move(user, source, target):
        raise CampaignTransitionError(
            _("Non si dispone dei permessi per questa operazione sulla campagna."),
            code="forbidden",
        )
    if target in (CampaignState.READY, CampaignState.RUNNING):
        problems = readiness_problems(campaign)
        if problems:
            raise CampaignTransitionError(problems, code="not_ready")


def open_campaigns_q(prefix: str = "campaign__") -> Q:
    """Campaigns still convening people (an exclusion reason for other campaigns)."""
    return ~Q(**{f"{prefix}state": CampaignState.CLOSED})
