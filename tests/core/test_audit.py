"""Audit: trigger-based change history with request context, and the access log of reads."""

from __future__ import annotations

import getpass

import pghistory.models
import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import RequestFactory
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, ListView
from rest_framework import routers, serializers, viewsets
from rest_framework.decorators import api_view

from sil.accounts.actions import do_create_operator
from sil.accounts.models import Role, User, UserKind
from sil.core.api import AccessLoggedMixin, do_issue_api_token
from sil.core.audit import AccessLoggedViewMixin, audit_context, log_access
from sil.core.models import AccessLog
from sil.territory.models import Office, OfficeKind

pytestmark = pytest.mark.django_db


def events(user: User, label: str):
    return pghistory.models.Events.objects.tracks(user).filter(pgh_label=label)


def make_user(email: str, kind: str = UserKind.CITIZEN) -> User:
    return User.objects.create_user(
        username=email.split("@")[0], email=email, password="a-long-test-password", kind=kind
    )


# --- a few views that write or read, mounted only for these tests ---------------------------


@csrf_exempt
def rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    User.objects.filter(pk=pk).update(first_name=request.POST["first_name"])
    return HttpResponse("ok")


@api_view(["POST"])
def api_rename_view(request, pk: int):
    User.objects.filter(pk=pk).update(first_name=request.data["first_name"])
    return JsonResponse({"ok": True})


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email"]


class UserViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    queryset = User.objects.order_by("id")


class SpecialUserViewSet(UserViewSet):
    access_log_special = True


class UserDetail(AccessLoggedViewMixin, DetailView):
    model = User

    def render_to_response(self, context, **kwargs):
        return HttpResponse(context["object"].email)


class UserList(AccessLoggedViewMixin, ListView):
    model = User
    ordering = ["id"]
    paginate_by = 2

    def render_to_response(self, context, **kwargs):
        return HttpResponse(",".join(user.email for user in context["object_list"]))


router = routers.SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("special-users", SpecialUserViewSet, basename="special-user")

urlpatterns = [
    path("rename/<int:pk>/", rename_view),
    path("api/rename/<int:pk>/", api_rename_view),
    path("api/", include(router.urls)),
    path("users/<int:pk>/", UserDetail.as_view()),
    path("users/", UserList.as_view()),
]
with_test_urls = pytest.mark.urls(__name__)


# --- change history -------------------------------------------------------------------------


def test_insert_update_and_bulk_update_are_tracked():
    first, second = make_user("uno@example.org"), make_user("due@example.org")
    assert events(first, "insert").count() == 1
    User.objects.filter(pk__in=[first.pk, second.pk]).update(first_name="Maria")
    # The trigger writes one event per row, whatever the ORM call.
    assert events(first, "update").count() == 1
    assert events(second, "update").get().pgh_data["first_name"] == "Maria"


def test_delete_is_tracked():
    user = make_user("via@example.org")
    user_id = user.pk
    user.delete()
    deleted = pghistory.models.Events.objects.filter(
        pgh_obj_model="accounts.User", pgh_obj_id=str(user_id), pgh_label="delete"
    )
    assert deleted.count() == 1


def test_history_rows_cannot_be_changed():
    user = make_user("storia@example.org")
    model = apps.get_model(events(user, "insert").get().pgh_model)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model.objects.filter(pgh_obj_id=user.pk).update(first_name="falso")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        model.objects.filter(pgh_obj_id=user.pk).delete()


@with_test_urls
def test_post_request_changes_carry_the_request_context(client):
    actor = make_user("attore@example.org")
    target = make_user("bersaglio@example.org")
    client.force_login(actor)
    response = client.post(
        f"/rename/{target.pk}/", {"first_name": "Lucia"}, HTTP_X_REQUEST_ID="req-0123456789"
    )
    assert response.status_code == 200
    # Events aggregates every event table; its pgh_context is the context's metadata.
    context = events(target, "update").get().pgh_context
    assert context["user"] == actor.pk
    assert context["username"] == "attore@example.org"
    assert context["ip"] == "127.0.0.1"
    assert context["request_id"] == "req-0123456789"
    assert context["method"] == "POST"
    assert context["url"] == f"/rename/{target.pk}/"


@with_test_urls
def test_api_token_writes_name_the_token_user(client):
    system = make_user("integrazione@example.org", kind=UserKind.SYSTEM)
    target = make_user("altro@example.org")
    response = client.post(
        f"/api/rename/{target.pk}/",
        {"first_name": "Anna"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {do_issue_api_token(system.email)}",
    )
    assert response.status_code == 200
    metadata = events(target, "update").get().pgh_context
    assert metadata["user"] == system.pk
    assert metadata["username"] == system.email


def test_audit_context_outside_requests_records_command_and_os_user():
    user = make_user("batch@example.org")
    with audit_context(import_run=42):
        User.objects.filter(pk=user.pk).update(last_name="Rossi")
    metadata = events(user, "update").get().pgh_context
    assert metadata["import_run"] == 42
    assert metadata["os_user"] == getpass.getuser()
    assert metadata["command"]


# --- access log -----------------------------------------------------------------------------


def api_request(user: User | None = None):
    request = RequestFactory().get("/operatori/persone/1/", REMOTE_ADDR="10.1.2.3")
    request.request_id = "abcdef0123"
    if user is not None:
        request.user = user
    return request


def test_log_access_records_who_what_and_where():
    reader = make_user("lettore@example.org", kind=UserKind.OPERATOR)
    person = make_user("persona@example.org")
    (row,) = log_access(api_request(reader), person, special=True, purpose="colloquio")
    row = AccessLog.objects.get(pk=row.pk)
    assert (row.user_id, row.username, row.ip, row.request_id) == (
        reader.pk,
        "lettore@example.org",
        "10.1.2.3",
        "abcdef0123",
    )
    assert (row.action, row.object_type, row.object_id) == ("view", "accounts.user", str(person.pk))
    assert row.special is True
    assert row.purpose == "colloquio"
    assert row.path == "/operatori/persone/1/"
    assert list(AccessLog.objects.for_object(person)) == [row]


def test_log_access_of_a_list_is_one_insert(django_assert_num_queries):
    reader = make_user("elenco@example.org", kind=UserKind.OPERATOR)
    people = [make_user(f"p{n}@example.org") for n in range(5)]
    assert reader.current_office_id is None  # memberships are read once per request, not per row
    with django_assert_num_queries(1):
        rows = log_access(api_request(reader), people, action="list")
    assert len(rows) == 5
    assert set(AccessLog.objects.filter(action="list").values_list("object_id", flat=True)) == {
        str(p.pk) for p in people
    }


def test_log_access_rejects_unknown_actions():
    with pytest.raises(ValueError, match="unknown access action"):
        log_access(api_request(make_user("x@example.org")), make_user("y@example.org"), "peek")


def test_access_log_is_append_only_in_the_database():
    row = log_access(api_request(make_user("r@example.org")), make_user("s@example.org"))[0]
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(username="qualcun altro")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    # Not only through the ORM: plain SQL is refused too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslog")
    assert AccessLog.objects.get(pk=row.pk).username == "r@example.org"


def test_deleting_a_user_keeps_their_access_log():
    reader = make_user("uscente@example.org", kind=UserKind.OPERATOR)
    reader_id = reader.pk
    log_access(api_request(reader), make_user("letto@example.org"))
    reader.delete()
    row = AccessLog.objects.get()
    assert (row.user_id, row.username) == (reader_id, "uscente@example.org")


@with_test_urls
def test_viewset_mixin_logs_retrieve_and_list_page(client):
    system = make_user("api@example.org", kind=UserKind.SYSTEM)
    header = {"HTTP_AUTHORIZATION": f"Token {do_issue_api_token(system.email)}"}
    others = [make_user(f"o{n}@example.org") for n in range(3)]
    assert client.get(f"/api/users/{others[0].pk}/", **header).status_code == 200
    detail = AccessLog.objects.get(action="api")
    assert (detail.object_id, detail.user_id, detail.special) == (
        str(others[0].pk),
        system.pk,
        False,
    )
    listing = client.get("/api/users/", **header)
    assert listing.status_code == 200
    assert listing.json()["count"] == 4
    logged = set(AccessLog.objects.filter(action="api_list").values_list("object_id", flat=True))
    assert logged == {str(user.pk) for user in [system, *others]}
    client.get(f"/api/special-users/{others[1].pk}/", **header)
    assert AccessLog.objects.get(action="api", object_id=str(others[1].pk)).special is True


@with_test_urls
def test_view_mixin_logs_detail_and_current_page_only(client):
    reader = make_user("sportello@example.org")
    users = [reader, *[make_user(f"l{n}@example.org") for n in range(3)]]
    client.force_login(reader)
    assert client.get(f"/users/{users[2].pk}/").status_code == 200
    assert AccessLog.objects.get(action="view").object_id == str(users[2].pk)
    assert client.get("/users/?page=2").status_code == 200
    page = AccessLog.objects.filter(action="list").values_list("object_id", flat=True)
    assert sorted(page, key=int) == [str(users[2].pk), str(users[3].pk)]


# --- admin ----------------------------------------------------------------------------------


def test_access_log_admin_is_read_only(client):
    admin = User.objects.create_superuser(
        username="admin", email="admin@example.org", password="a-long-test-password"
    )
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "X"})
    log_access(api_request(admin), make_user("visto@example.org"))
    client.force_login(admin)
    listing = client.get("/operatori/admin/core/accesslog/")
    assert listing.status_code == 200
    row = AccessLog.objects.get()
    assert client.get(f"/operatori/admin/core/accesslog/{row.pk}/change/").status_code == 200
    assert client.get("/operatori/admin/core/accesslog/add/").status_code == 403
    assert client.post(f"/operatori/admin/core/accesslog/{row.pk}/delete/").status_code == 403


def test_access_log_admin_needs_the_view_permission(client):
    staff = make_user("curioso@example.org", kind=UserKind.CITIZEN)
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(staff)
    assert client.get("/operatori/admin/core/accesslog/").status_code == 403


@pytest.mark.parametrize(("role", "status"), [(Role.AUDITOR, 200), (Role.CPI_OPERATOR, 403)])
def test_auditors_read_the_access_log_in_the_admin(client, role, status):
    office = Office.objects.create(kind=OfficeKind.CPI, code="CPI-T", name="CPI di prova")
    operator = do_create_operator(
        email=f"{role}@example.org",
        first_name="Ada",
        last_name="Verdi",
        office_code=office.code,
        role=role,
        is_staff=True,
    )
    Authenticator.objects.create(user=operator, type=Authenticator.Type.TOTP, data={"secret": "X"})
    client.force_login(operator)
    assert client.get("/operatori/admin/core/accesslog/").status_code == status
