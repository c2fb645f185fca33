"""Read-only API of municipalities and offices, paginated and ordered, with exact filters."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from rest_framework import serializers, viewsets

from sil.core.api import QueryParam, QueryParamsMixin
from sil.territory.models import Municipality, Office, OfficeKind


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = [
            "id",
            "istat_code",
            "cadastral_code",
            "name",
            "province_code",
            "valid_from",
            "valid_to",
            "latitude",
            "longitude",
        ]


class MunicipalityViewSet(QueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MunicipalitySerializer
    query_params = {
        "list": (
            QueryParam("istat_code", description="Codice ISTAT (6 cifre)", max_length=6),
            QueryParam("cadastral_code", description="Codice catastale (Belfiore)", max_length=4),
            QueryParam("province", description="Sigla della provincia", max_length=2),
            QueryParam("current", bool, description="Solo i comuni in vigore"),
        )
    }

    def get_queryset(self) -> QuerySet[Municipality]:
        queryset = Municipality.objects.all()
        params = self.query
        if params.get("istat_code"):
            queryset = queryset.filter(istat_code=params["istat_code"])
        if params.get("cadastral_code"):
            queryset = queryset.filter(cadastral_code=params["cadastral_code"].upper())
        if params.get("province"):
            queryset = queryset.filter(province_code=params["province"].upper())
        if params.get("current"):
            queryset = queryset.current()
        return queryset.order_by("name", "id")


class OfficeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(
        source="parent.code", default=None, read_only=True, allow_null=True
    )
    municipality_istat = serializers.CharField(
        source="municipality.istat_code", default=None, read_only=True, allow_null=True
    )
    municipalities_count = serializers.IntegerField(source="served", read_only=True)

    class Meta:
        model = Office
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "parent_code",
            "address",
            "postal_code",
            "municipality_istat",
            "phone",
            "email",
            "pec",
            "opening_hours",
            "is_active",
            "municipalities_count",
        ]


class OfficeViewSet(QueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficeSerializer
    query_params = {
        "list": (
            QueryParam("kind", enum=OfficeKind.values, description="Tipo di ufficio"),
            QueryParam("code", description="Codice dell'ufficio", max_length=20),
            QueryParam("istat_code", description="Uffici competenti per il comune", max_length=6),
        )
    }

    def get_queryset(self) -> QuerySet[Office]:
        queryset = Office.objects.select_related("parent", "municipality").annotate(
            served=Count("competences")
        )
        params = self.query
        if params.get("kind"):
            queryset = queryset.filter(kind=params["kind"])
        if params.get("code"):
            queryset = queryset.filter(code=params["code"])
        if params.get("istat_code"):
            served = Office.objects.filter(
                competences__municipality__istat_code=params["istat_code"]
            ).values("pk")
            queryset = queryset.filter(pk__in=served)
        return queryset.order_by("name", "id")
