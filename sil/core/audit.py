"""Audit helpers: who made a change (pghistory context) and who read personal data (AccessLog).

with audit_context(command="import_people", file=path.name):
    do_import(...)                    # every history event carries this context

log_access(request, person)                       # a detail page
log_access(request, page_of_people, action="list")  # a list: one bulk INSERT
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pghistory
from django.db import models
from django.http import HttpRequest
from rest_framework.response import Response

from sil.core.middleware import client_ip, current_request_id
from sil.core.models import AccessAction, AccessLog


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid())


def _in_context() -> bool:
    return hasattr(pghistory.runtime._tracker, "value")


@contextlib.contextmanager
def audit_context(**extra: Any) -> Iterator[None]:
    """Group the changes made inside under one pghistory context with `extra` metadata.

    Outside a request (CLI, worker, import) it also records the command line and the OS user;
    inside one (the middleware already opened a context) it only adds `extra`.
    """
    metadata: dict[str, Any] = {}
    if not _in_context():
        metadata = {
            "command": " ".join(os.path.basename(arg) for arg in sys.argv[:3]),
            "os_user": _os_user(),
            "pid": os.getpid(),
        }
    metadata.update(extra)
    with pghistory.context(**metadata):
        yield


def add_audit_user(user: Any) -> None:
    """Name the user in the current context, if one is open (API auth happens in the view)."""
    if user is not None and getattr(user, "is_authenticated", False) and _in_context():
        pghistory.context(user=user.pk, username=user.get_username())


def _office_id(user: Any) -> int | None:
    # The office an operator acts for, when the accounts app knows it.
    office = getattr(user, "current_office_id", None)
    return office if isinstance(office, int) else None


def _objects(obj_or_objs: models.Model | Iterable[models.Model]) -> list[models.Model]:
    if isinstance(obj_or_objs, models.Model):
        return [obj_or_objs]
    # Iterating a queryset or a page fills its result cache: the template reuses it.
    return [obj for obj in obj_or_objs if getattr(obj, "pk", None) is not None]


def log_access(
    request: HttpRequest | Any | None,
    obj_or_objs: models.Model | Iterable[models.Model],
    action: str = AccessAction.VIEW,
    special: bool = False,
    *,
    fields: Sequence[str] = (),
    purpose: str = "",
) -> list[AccessLog]:
    """Record that the requester read these records. Works with Django and DRF requests.

    `special` marks special categories of data (e.g. disability, GDPR art. 9); `fields` may
    name what was shown when it is a subset (an export with chosen columns).
    """
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    objects = _objects(obj_or_objs)
    if not objects:
        return []
    user: Any = getattr(request, "user", None) if request is not None else None
    authenticated = user is not None and user.is_authenticated
    if request is not None:
        ip = client_ip(request) or None
        request_id = getattr(request, "request_id", "") or current_request_id()
        path = request.path[:500]
    else:
        ip, request_id, path = None, "", " ".join(sys.argv[:3])[:500]
    common = {
        "user_id": user.pk if authenticated else None,
        "username": user.get_username() if authenticated else f"os:{_os_user()}",
        "office_id": _office_id(user) if authenticated else None,
        "ip": ip,
        "request_id": request_id if request_id != "-" else "",
        "path": path,
        "action": action,
        "fields": list(fields),
        "special": special,
        "purpose": purpose,
    }
    rows = [
        AccessLog(object_type=obj._meta.label_lower, object_id=str(obj.pk), **common)
        for obj in objects
    ]
    return AccessLog.objects.bulk_create(rows)


class AccessLoggedViewMixin:
    """For Django class-based views: DetailView-like views log "view", ListView-like "list".

    Put it before the Django view class: `class PersonDetail(AccessLoggedViewMixin, DetailView)`.
    """

    access_log_special: bool = False
    access_log_purpose: str = ""

    request: HttpRequest

    def get_object(self, queryset: Any = None) -> Any:
        obj = super().get_object(queryset)  # type: ignore[misc]
        log_access(
            self.request,
            obj,
            AccessAction.VIEW,
            self.access_log_special,
            purpose=self.access_log_purpose,
        )
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        if "object_list" in context and "object" not in context:
            # With pagination, object_list is the current page only.
            log_access(
                self.request,
                context["object_list"],
                AccessAction.LIST,
                self.access_log_special,
                purpose=self.access_log_purpose,
            )
        return context


class AccessLoggedMixin:
    """For viewsets of personal records: retrieve and list write the access log.

    `class PersonViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet)`. Only the records
    actually returned are logged (the current page of a list).
    """

    access_log_special: bool = False
    access_log_purpose: str = ""

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        log_access(
            request,
            instance,
            AccessAction.API,
            self.access_log_special,
            purpose=self.access_log_purpose,
        )
        serializer = self.get_serializer(instance)  # type: ignore[attr-defined]
        return Response(serializer.data)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        records = list(page if page is not None else queryset)
        log_access(
            request,
            records,
            AccessAction.API_LIST,
            self.access_log_special,
            purpose=self.access_log_purpose,
        )
        serializer = self.get_serializer(records, many=True)  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(serializer.data)  # type: ignore[attr-defined,no-any-return]
        return Response(serializer.data)
