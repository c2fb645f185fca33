"""Writes on shortlists. Each `do_*` runs in one transaction with audit context.

The rules: candidates are added, contacted and removed while the shortlist is in preparation;
only candidates whose consent is recorded are sent to the firm (the database refuses anything
else); the firm's answer and the outcome are recorded on a sent shortlist; an outcome moves the
candidate's application, when there is one, to hired or rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.applications.queries import applications_for_vacancy
from sil.core.actions import action
from sil.matching.queries import explain
from sil.people.models import Person
from sil.shortlists.machine import (
    ShortlistTransitionError,
    next_state,
    require_editable,
    require_feedback_open,
)
from sil.shortlists.models import (
    ContactChannel,
    EmployerFeedback,
    Outcome,
    ReceivedCv,
    ReceivedCvSource,
    Shortlist,
    ShortlistEntry,
    ShortlistState,
)
from sil.shortlists.notifications import queue_shortlist_sent
from sil.vacancies.models import Vacancy, VacancyState

# A shortlist is built for a vacancy the CPI is still working on.
SHORTLIST_VACANCY_STATES = frozenset({VacancyState.REVIEW, VacancyState.PUBLISHED})

# Outcome -> state of the candidate's application (sil.applications), when there is one.
APPLICATION_STATE_FOR_OUTCOME: dict[str, str] = {
    Outcome.HIRED: "hired",
    Outcome.NOT_SELECTED: "rejected",
    Outcome.NO_SHOW: "rejected",
    Outcome.WITHDREW: "withdrawn",
}


def _user(by: Any) -> Any:
    return by if by is not None and getattr(by, "pk", None) else None


def _score(vacancy: Vacancy, person: Person) -> dict[str, Any]:
    """The score of the pair as the ranked list computes it (matching engine), for the record."""
    match = explain(vacancy, person)
    return {
        "score": round(float(match.score), 2),
        "weights_version": str(match.weights_version),
        "criteria": {
            name: {
                "score": round(float(criterion.score), 4),
                "weight": float(criterion.weight),
                "explanation": str(criterion.explanation),
            }
            for name, criterion in match.criteria.items()
        },
    }


def _scores_from_run(vacancy: Vacancy, run_id: int, person_ids: list[int]) -> dict[int, Any]:
    """The scores exactly as the operator saw them on the ranked list (a stored match run)."""
    from sil.matching.models import MatchResult

    results = MatchResult.objects.filter(
        run_id=run_id, run__vacancy=vacancy, person_ref__in=person_ids
    ).select_related("run")
    return {
        result.person_ref: {
            "score": round(float(result.score), 2),
            "weights_version": result.run.weights_version,
            "criteria": result.criteria if isinstance(result.criteria, dict) else {},
        }
        for result in results
    }


def _applications_by_person(vacancy: Vacancy, person_ids: Iterable[int]) -> dict[int, Any]:
    """The candidates' own applications to this vacancy (the newest), linked to their entries."""
    wanted = set(person_ids)
    found: dict[int, Any] = {}
    for application in applications_for_vacancy(vacancy).filter(person_id__in=wanted):
        found.setdefault(application.person_id, application)
    return found


def _lock(shortlist: Shortlist) -> Shortlist:
    # Locks the vacancy row as well: its writes serialise on it.
    return (
        Shortlist.objects.select_for_update(of=("self", "vacancy"))
        .select_related("vacancy")
        .get(pk=shortlist.pk)
    )


def _lock_entry(entry: ShortlistEntry) -> ShortlistEntry:
    locked = ShortlistEntry.objects.select_for_update().get(pk=entry.pk)
    locked.shortlist = Shortlist.objects.select_for_update().get(pk=locked.shortlist_id)
    return locked


def do_create_shortlist(vacancy: Vacancy, *, by: Any = None, note: str = "") -> Shortlist:
    """The vacancy's shortlist in preparation: the open one, or a new one."""
    with action(by, "create_shortlist", vacancy=vacancy.pk):
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        if locked.state not in SHORTLIST_VACANCY_STATES:
            raise ShortlistTransitionError(
                _("Non si può preparare una rosa per un'offerta %(state)s.")
                % {"state": str(locked.get_state_display())},
                code="vacancy_not_open",
            )
        draft = Shortlist.objects.filter(vacancy=locked, state=ShortlistState.DRAFT).first()
        if draft is not None:
            return draft
        office_id = locked.office_id or getattr(by, "current_office_id", None)
        return Shortlist.objects.create(
            vacancy=locked, office_id=office_id, created_by=_user(by), note=note
        )


def do_add_candidates(
    vacancy: Vacancy, person_ids: Iterable[int], user: Any, *, match_run_id: int | None = None
) -> Shortlist:
    """Add people from the ranked list to the vacancy's shortlist in preparation (created if
    none is open). People already in it stay where they are. Each score is copied from the
    ranked list the operator saw (`match_run_id`), else computed by the matching engine now."""
    wanted = list(dict.fromkeys(int(pk) for pk in person_ids))
    if not wanted:
        raise ShortlistTransitionError(_("Selezionare almeno un candidato."), code="no_candidates")
    with action(user, "add_shortlist_candidates", vacancy=vacancy.pk):
        shortlist = do_create_shortlist(vacancy, by=user)
        shortlist = _lock(shortlist)
        people = {person.pk: person for person in Person.objects.not_merged().filter(pk__in=wanted)}
        missing = [pk for pk in wanted if pk not in people]
        if missing:
            raise ShortlistTransitionError(
                _("Persone non trovate: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
                code="unknown_person",
            )
        present = set(shortlist.entries.values_list("person_id", flat=True))
        position = shortlist.entries.aggregate(last=Max("position"))["last"] or 0
        applications = _applications_by_person(shortlist.vacancy, wanted)
        target = shortlist.vacancy
        ranked = _scores_from_run(target, match_run_id, wanted) if match_run_id else {}
        new_entries = []
        for pk in wanted:
            if pk in present:
                continue
            position += 1
            new_entries.append(
                ShortlistEntry(
                    shortlist=shortlist,
                    person=people[pk],
                    position=position,
                    application=applications.get(pk),
                    **(ranked.get(pk) or _score(target, people[pk])),
                )
            )
        ShortlistEntry.objects.bulk_create(new_entries)
    return shortlist


def do_remove_entry(entry: ShortlistEntry, user: Any) -> None:
    with action(user, "remove_shortlist_entry", entry=entry.pk):
        locked = _lock_entry(entry)
        require_editable(locked.shortlist.state)
        locked.delete()


def do_record_contact(
    entry: ShortlistEntry,
    *,
    channel: str,
    consent: bool,
    note: str = "",
    contacted_at: dt.datetime | None = None,
    user: Any = None,
) -> ShortlistEntry:
    """The operator reached the candidate: how, when, and whether they agree to be proposed."""
    if channel not in ContactChannel.values:
        raise ShortlistTransitionError(
            {"channel": _("Indicare come è stato contattato il candidato.")}, code="invalid"
        )
    now = timezone.now()
    contacted_at = contacted_at or now
    if contacted_at > now + dt.timedelta(minutes=5):
        raise ShortlistTransitionError(
            {"contacted_at": _("La data del contatto non può essere nel futuro.")},
            code="future_date",
        )
    with action(user, "record_shortlist_contact", entry=entry.pk):
        locked = _lock_entry(entry)
        require_editable(locked.shortlist.state)
        locked.contacted_at = contacted_at
        locked.contact_channel = channel
        locked.contact_note = note
        locked.consent_to_share = consent
        locked.consent_at = now if consent else None
        locked.consent_recorded_by = _user(user) if consent else None
        locked.save()
    return locked


def do_send_shortlist(shortlist: Shortlist, user: Any, *, note: str | None = None) -> Shortlist:
    """Send the consented candidates to the firm: they appear in its area (and in its CV
    archive) and its users get an e-mail, delivered by the worker after the commit."""
    with action(user, "send_shortlist", shortlist=shortlist.pk):
        locked = _lock(shortlist)
        target = next_state(locked.state, "send")
        entries = list(
            locked.entries.select_for_update(of=("self", "person"))
            .filter(consent_to_share=True)
            .select_related("person")
        )
        if not entries:
            raise ShortlistTransitionError(
                _(
                    "Nessun candidato ha dato il consenso all'invio dei propri dati: "
                    "registrare il contatto e il consenso di almeno un candidato."
                ),
                code="no_consent",
            )
        now = timezone.now()
        locked.state = target
        locked.sent_at = now
        locked.sent_by = _user(user)
        if note is not None:
            locked.note = note
        locked.save()
        ShortlistEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
            sent_at=now, updated_at=now
        )
        vacancy = locked.vacancy
        label = str(vacancy.profession) if vacancy.profession_id else vacancy.title
        ReceivedCv.objects.bulk_create(
            [
                ReceivedCv(
                    employer_id=vacancy.employer_id,
                    person=entry.person,
                    vacancy=vacancy,
                    source=ReceivedCvSource.SHORTLIST,
                    entry=entry,
                    profession_label=label[:300],
                    received_at=now,
                )
                for entry in entries
            ],
            ignore_conflicts=True,
        )
        queue_shortlist_sent(locked, len(entries))
    shortlist.refresh_from_db()
    return locked


def do_close_shortlist(shortlist: Shortlist, user: Any) -> Shortlist:
    with action(user, "close_shortlist", shortlist=shortlist.pk):
        locked = _lock(shortlist)
        locked.state = next_state(locked.state, "close")
        locked.closed_at = timezone.now()
        locked.save()
    shortlist.refresh_from_db()
    return locked


def _require_sent(entry: ShortlistEntry) -> None:
    require_feedback_open(entry.shortlist.state)
    if not entry.is_sent:
        raise ShortlistTransitionError(
            _("Il candidato non è stato inviato all'impresa."), code="entry_not_sent"
        )


def do_record_feedback(
    entry: ShortlistEntry, feedback: str, user: Any, *, note: str = ""
) -> ShortlistEntry:
    """The firm's answer on one candidate, given in its area or reported to the operator."""
    if feedback not in EmployerFeedback.values:
        raise ShortlistTransitionError({"feedback": _("Scegliere un riscontro.")}, code="invalid")
    with action(user, "record_shortlist_feedback", entry=entry.pk):
        locked = _lock_entry(entry)
        _require_sent(locked)
        locked.feedback = feedback
        locked.feedback_note = note
        locked.feedback_at = timezone.now()
        locked.feedback_by = _user(user)
        locked.save()
    return locked


def _move_application(application: Any, outcome: str, user: Any) -> None:
    """Bring the candidate's open application to the state matching the outcome, through
    the applications' own state machine (a hire passes through «in selezione»)."""
    target = APPLICATION_STATE_FOR_OUTCOME.get(outcome)
    if application is None or target is None or not application.is_open:
        return
    from sil.applications.actions import do_change_state
    from sil.applications.models import ApplicationState

    if target == ApplicationState.HIRED and application.state in (
        ApplicationState.SUBMITTED,
        ApplicationState.VIEWED,
    ):
        do_change_state(application, ApplicationState.IN_SELECTION, user)
    do_change_state(application, target, user)


def do_record_outcome(
    entry: ShortlistEntry, outcome: str, user: Any, *, note: str = ""
) -> ShortlistEntry:
    """How the selection ended for one candidate: in both timelines (person and firm) and,
    when the candidate had applied, on the application too."""
    if outcome not in Outcome.values:
        raise ShortlistTransitionError({"outcome": _("Scegliere un esito.")}, code="invalid")
    with action(user, "record_shortlist_outcome", entry=entry.pk):
        locked = _lock_entry(entry)
        _require_sent(locked)
        locked.outcome = outcome
        locked.outcome_note = note
        locked.outcome_at = timezone.now()
        locked.outcome_recorded_by = _user(user)
        locked.save()
        _move_application(locked.application, outcome, user)
    return locked


def do_archive_received_cv(received: ReceivedCv, archived: bool, user: Any) -> ReceivedCv:
    """The firm moves a CV out of (or back into) its working list."""
    with action(user, "archive_received_cv", received_cv=received.pk):
        locked = ReceivedCv.objects.select_for_update().get(pk=received.pk)
        locked.archived_at = timezone.now() if archived else None
        locked.save(update_fields=["archived_at"])
    return locked


def do_record_received_application(application: Any) -> ReceivedCv | None:
    """File an application the firm received in its CV archive (once per application)."""
    vacancy = getattr(application, "vacancy", None)
    employer_id = getattr(application, "employer_id", None) or (
        vacancy.employer_id if vacancy is not None else None
    )
    if employer_id is None:
        return None
    label = ""
    if vacancy is not None:
        label = str(vacancy.profession) if vacancy.profession_id else vacancy.title
    cv = getattr(application, "cv", None)
    if not label and cv is not None:
        label = str(getattr(cv, "headline", "") or getattr(cv, "desired_job", "") or "")
    with action(None, "file_received_application"):
        received, _created = ReceivedCv.objects.get_or_create(
            employer_id=employer_id,
            application=application,
            defaults={
                "person_id": application.person_id,
                "vacancy": vacancy,
                "source": ReceivedCvSource.APPLICATION,
                "profession_label": label[:300],
                "received_at": getattr(application, "created_at", None) or timezone.now(),
            },
        )
    return received
