"""REST API of the registry: read-only, scoped to the operator's offices, every read logged."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from sil.core.audit import AccessLoggedMixin
from sil.people.actions import EDITABLE_FIELDS
from sil.people.models import Person


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "fiscal_code",
            *EDITABLE_FIELDS,
            "competent_office",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PersonViewSet(AccessLoggedMixin, viewsets.ReadOnlyModelViewSet):
    """People of the caller's offices. `?q=` searches fiscal code or name, `?office=` filters."""

    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        people = Person.objects.for_operator(self.request.user)
        office = self.request.query_params.get("office", "")
        if office.isdigit():
            people = people.filter(competent_office_id=int(office))
        query = self.request.query_params.get("q", "")
        if query:
            return people.search(query)
        return people.order_by("last_name", "first_name", "id")
