"""Writes on vacancies. Each `do_*` runs in one transaction with audit context.

Every state change goes through `do_transition` (the table of sil/vacancies/machine.py) and
appends a VacancyTransition row; `vacancy_changed` is sent once the transaction commits, so
other apps (matching) refresh what they derive from vacancies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from sil.core.audit import audit_context
from sil.core.permissions import Action, require
from sil.employers.models import Employer
from sil.territory.queries import competent_office
from sil.vacancies import quality
from sil.vacancies.machine import EMPLOYER, OPERATOR, VacancyTransitionError, actor_of
from sil.vacancies.machine import check_transition as _check_transition
from sil.vacancies.models import (
    FINAL_STATES,
    Vacancy,
    VacancyLanguage,
    VacancyState,
    VacancyTransition,
)

# Sent on commit after a vacancy is created, changed or moves state: sender=Vacancy,
# vacancy_id=…, state=…
vacancy_changed = Signal()

# What forms and the API may set. The rest (state, quality fields, dates of publication,
# office when given by the workplace) belongs to the actions.
EDITABLE_FIELDS: tuple[str, ...] = (
    "site",
    "intermediary",
    "reference",
    "title",
    "description",
    "profession",
    "esco_occupation",
    "posts",
    "municipality",
    "contract_type",
    "working_time",
    "weekly_hours",
    "shifts",
    "duration_months",
    "pay_min",
    "pay_max",
    "ccnl",
    "ccnl_level",
    "education_level",
    "education_required",
    "experience_months",
    "experience_required",
    "driving_licences",
    "licence_required",
    "other_licences",
    "it_skills",
    "expiry_date",
    "how_to_apply",
    "apply_email",
    "targeted_l68",
    "eures",
)
# Once published, only these change: what the job is stays what was checked and published.
PUBLISHED_EDITABLE_FIELDS = frozenset(
    {"posts", "expiry_date", "how_to_apply", "apply_email", "reference", "intermediary"}
)
OPERATOR_ONLY_FIELDS = frozenset({"office"})

# Driving licence categories (Directive 2006/126/EC, as in the Italian code of the road).
DRIVING_LICENCES: tuple[str, ...] = (
    "AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE",
    "CQC", "KB",
)  # fmt: skip


class QualityCheckRequired(ValidationError):
    """Publication refused until the operator confirms the quality warnings (and says why)."""

    def __init__(self, message: str, warnings: list[quality.QualityWarning], code: str) -> None:
        super().__init__(message, code=code)
        self.warnings = warnings


def _audit(by: Any, action: str, **extra: Any) -> AbstractContextManager[None]:
    # Every write goes through here: the permission matrix decides who may.
    require(by, Action.WRITE)
    context: dict[str, Any] = {"action": action, **extra}
    if by is not None and getattr(by, "pk", None):
        context["user"] = by.pk
        context["username"] = by.get_username()
    return audit_context(**context)


def _announce(vacancy: Vacancy) -> None:
    pk, state = vacancy.pk, vacancy.state
    transaction.on_commit(
        lambda: vacancy_changed.send(sender=Vacancy, vacancy_id=pk, state=state), robust=True
    )


def _clean_licences(codes: Iterable[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in codes if code.strip()})
    unknown = [code for code in cleaned if code not in DRIVING_LICENCES]
    if unknown:
        raise ValidationError(
            {
                "driving_licences": _("Categoria di patente sconosciuta: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return cleaned


def _apply(vacancy: Vacancy, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError(
            {
                name: _("Questo dato non si può modificare nello stato attuale dell'offerta.")
                for name in refused
            },
            code="not_editable",
        )
    for name, value in data.items():
        if name == "driving_licences":
            value = _clean_licences(value or [])
        setattr(vacancy, name, value)
    site = vacancy.site if vacancy.site_id is not None else None
    if site is not None and site.employer_id != vacancy.employer_id:
        raise ValidationError({"site": _("La sede indicata non appartiene all'impresa.")})
    if vacancy.office_id is None and vacancy.municipality_id is not None:
        vacancy.office = competent_office(vacancy.municipality_id)


def _save_languages(vacancy: Vacancy, languages: Iterable[Mapping[str, Any]]) -> None:
    rows: dict[str, VacancyLanguage] = {}
    for item in languages:
        code = str(item["language"]).strip().lower()
        if code in rows:
            raise ValidationError(
                {"languages": _("Lingua indicata più volte: %(code)s.") % {"code": code}}
            )
        row = VacancyLanguage(
            vacancy=vacancy, language=code, level=item["level"], required=bool(item.get("required"))
        )
        row.full_clean(exclude=["vacancy"])
        rows[code] = row
    VacancyLanguage.objects.filter(vacancy=vacancy).delete()
    VacancyLanguage.objects.bulk_create(rows.values())


def do_create_vacancy(
    employer: Employer,
    data: Mapping[str, Any],
    *,
    languages: Iterable[Mapping[str, Any]] = (),
    office: Any = None,
    by: Any = None,
) -> Vacancy:
    """A new draft for `employer`; the office is the CPI of the workplace unless given."""
    with transaction.atomic(), _audit(by, "create_vacancy"):
        vacancy = Vacancy(employer=employer, state=VacancyState.DRAFT, office=office)
        _apply(vacancy, data, EDITABLE_FIELDS)
        if by is not None and getattr(by, "pk", None):
            vacancy.created_by = by
        vacancy.full_clean()
        vacancy.save()
        _save_languages(vacancy, languages)
        _record(vacancy, "", VacancyState.DRAFT, by, actor_of(by))
        _announce(vacancy)
    return vacancy


def editable_fields(vacancy: Vacancy, user: Any) -> frozenset[str]:
    """What `user` may change on `vacancy` now (empty: nothing)."""
    actor = actor_of(user)
    if actor == EMPLOYER:
        return frozenset(EDITABLE_FIELDS) if vacancy.state == VacancyState.DRAFT else frozenset()
    if actor != OPERATOR or vacancy.state in FINAL_STATES:
        return frozenset()
    if vacancy.state == VacancyState.PUBLISHED:
        return PUBLISHED_EDITABLE_FIELDS
    return frozenset(EDITABLE_FIELDS) | OPERATOR_ONLY_FIELDS


def do_update_vacancy(
    vacancy: Vacancy,
    data: Mapping[str, Any],
    *,
    languages: Iterable[Mapping[str, Any]] | None = None,
    by: Any = None,
) -> Vacancy:
    """Change a vacancy: freely as a draft or under review, a few fields once published.

    Employer users change only their drafts. Unchanged values are accepted in any state, so a
    form may send every field back.
    """
    with transaction.atomic(), _audit(by, "update_vacancy", vacancy=vacancy.pk):
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        allowed = editable_fields(locked, by)
        changed = {k: v for k, v in data.items() if _differs(getattr(locked, k, None), v)}
        if not allowed and (changed or languages is not None):
            raise VacancyTransitionError(
                _("Un'offerta %(state)s non si può modificare.")
                % {"state": locked.get_state_display()},
                code="not_editable",
            )
        _apply(locked, changed, allowed)
        locked.full_clean()
        locked.save()
        if languages is not None:
            if "description" not in allowed:
                raise VacancyTransitionError(
                    _("Le lingue richieste non si modificano su un'offerta pubblicata."),
                    code="not_editable",
                )
            _save_languages(locked, languages)
        # What was confirmed no longer matches the text: check again before publishing.
        reworded = bool(changed.keys() - PUBLISHED_EDITABLE_FIELDS) or languages is not None
        if locked.state in (VacancyState.DRAFT, VacancyState.REVIEW) and reworded:
            locked.quality_confirmed_by = None
            locked.quality_confirmed_at = None
            locked.quality_reason = ""
            locked.save(
                update_fields=["quality_confirmed_by", "quality_confirmed_at", "quality_reason"]
            )
        _announce(locked)
    _copy(locked, vacancy)
    return vacancy


def _differs(current: Any, new: Any) -> bool:
    if hasattr(current, "pk") or hasattr(new, "pk"):
        return bool(getattr(current, "pk", current) != getattr(new, "pk", new))
    if isinstance(current, list) and isinstance(new, list):
        return sorted(current) != sorted(str(x).strip().upper() for x in new)
    return bool(current != new)


def _copy(source: Vacancy, target: Vacancy) -> None:
    if source is target:
        return
    for field in Vacancy._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = {}


def _record(
    vacancy: Vacancy,
    before: str,
    after: str,
    by: Any,
    actor: str,
    *,
    note: str = "",
    warnings: list[dict[str, str]] | None = None,
) -> VacancyTransition:
    has_user = by is not None and getattr(by, "pk", None)
    return VacancyTransition.objects.create(
        vacancy=vacancy,
        state_before=before,
        state_after=after,
        actor=actor,
        by_id=by.pk if has_user else None,
        by_name=by.get_username() if has_user else "",
        note=note,
        warnings=warnings or [],
    )


def do_transition(
    vacancy: Vacancy,
    to_state: str,
    user: Any,
    *,
    note: str = "",
    warnings: list[dict[str, str]] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> Vacancy:
    """Move `vacancy` to `to_state` if the table allows it for `user` (None: the system).

    `changes` are set on the row in the same save (publication dates, quality fields).
    """
    actor = actor_of(user)
    with transaction.atomic(), _audit(user, f"vacancy_{to_state}", vacancy=vacancy.pk):
        locked = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        _check_transition(locked.state, to_state, actor)
        before = locked.state
        locked.state = to_state
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.save()
        _record(locked, before, to_state, user, actor, note=note, warnings=warnings)
        _announce(locked)
    _copy(locked, vacancy)
    return vacancy


def do_submit_for_review(vacancy: Vacancy, by: Any, *, note: str = "") -> Vacancy:
    return do_transition(vacancy, VacancyState.REVIEW, by, note=note)


def do_send_back(vacancy: Vacancy, by: Any, *, note: str = "") -> Vacancy:
    """Back to draft for changes (the operator says what to change in `note`)."""
    return do_transition(vacancy, VacancyState.DRAFT, by, note=note)


def run_quality_check(
    vacancy: Vacancy, today: dt.date | None = None
) -> list[quality.QualityWarning]:
    today = today or timezone.localdate()
    ad = quality.Ad(
        title=vacancy.title,
        description=vacancy.description,
        requirements=vacancy.requirements_text,
        has_contract_type=vacancy.contract_type_id is not None,
        has_workplace=vacancy.municipality_id is not None,
        has_pay=vacancy.has_pay,
        publication_date=vacancy.publication_date if vacancy.is_open else None,
        expiry_date=vacancy.expiry_date,
    )
    return quality.check(ad, today)


def do_publish(
    vacancy: Vacancy,
    by: Any,
    *,
    confirm: bool = False,
    reason: str = "",
    today: dt.date | None = None,
) -> Vacancy:
    """Publish after the quality check: warnings need `confirm`, discriminatory ones a reason.

    The warnings are stored on the vacancy either way, so the page shows what blocked it.
    Publication date is today; with no expiry date the vacancy expires after
    quality.DEFAULT_OPEN_DAYS days.
    """
    today = today or timezone.localdate()
    reason = reason.strip()
    # Who may publish is checked before the text, so an employer gets "not allowed".
    _check_transition(vacancy.state, VacancyState.PUBLISHED, actor_of(by))
    warnings = run_quality_check(vacancy, today)
    stored = [w.as_dict() for w in warnings]
    if quality.needs_confirmation(warnings) and not confirm:
        _store_warnings(vacancy, stored)
        raise QualityCheckRequired(
            _("Il controllo di qualità ha trovato delle segnalazioni: confermare per pubblicare."),
            warnings,
            code="confirmation_required",
        )
    if confirm and quality.needs_reason(warnings) and not reason:
        _store_warnings(vacancy, stored)
        raise QualityCheckRequired(
            _("Indicare perché si pubblica un'offerta con possibili requisiti discriminatori."),
            warnings,
            code="reason_required",
        )
    confirmed = quality.needs_confirmation(warnings)
    changes: dict[str, Any] = {
        "quality_warnings": stored,
        "quality_confirmed_by": by if confirmed else None,
        "quality_confirmed_at": timezone.now() if confirmed else None,
        "quality_reason": reason if confirmed else "",
        "publication_date": today,
        "expiry_date": vacancy.expiry_date or today + dt.timedelta(days=quality.DEFAULT_OPEN_DAYS),
    }
    return do_transition(
        vacancy,
        VacancyState.PUBLISHED,
        by,
        note=reason if confirmed else "",
        warnings=stored if confirmed else [],
        changes=changes,
    )


def _store_warnings(vacancy: Vacancy, stored: list[dict[str, str]]) -> None:
    with transaction.atomic(), audit_context(action="vacancy_quality_check", vacancy=vacancy.pk):
        Vacancy.objects.filter(pk=vacancy.pk).update(quality_warnings=stored)
    vacancy.quality_warnings = stored


def do_close(vacancy: Vacancy, by: Any, *, note: str = "") -> Vacancy:
    """Filled or withdrawn by the employer: it leaves the job board."""
    return do_transition(vacancy, VacancyState.CLOSED, by, note=note)


def do_cancel(vacancy: Vacancy, by: Any, *, note: str = "") -> Vacancy:
    return do_transition(vacancy, VacancyState.CANCELLED, by, note=note)


def do_expire_vacancies(today: dt.date | None = None) -> list[int]:
    """Published vacancies past their expiry date become expired (nightly task).

    One transaction each, so one failure does not hold back the others.
    """
    today = today or timezone.localdate()
    due = Vacancy.objects.filter(state=VacancyState.PUBLISHED, expiry_date__lt=today).order_by(
        "expiry_date", "id"
    )
    expired = []
    for vacancy in due.only("id", "state"):
        try:
            do_transition(vacancy, VacancyState.EXPIRED, None)
        except VacancyTransitionError:
            continue  # closed meanwhile
        expired.append(vacancy.pk)
    return expired
