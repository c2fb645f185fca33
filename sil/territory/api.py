"""Read-only API of municipalities and offices, paginated and ordered, with exact filters."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

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


_MUNICIPALITY_FILTERS = [
    OpenApiParameter("istat_code", str, description="Codice ISTAT (6 cifre)"),
    OpenApiParameter("cadastral_code", str, description="Codice catastale (Belfiore)"),
    OpenApiParameter("province", str, description="Sigla della provincia"),
    OpenApiParameter("current", bool, description="Solo i comuni in vigore"),
]


@extend_schema_view(list=extend_schema(parameters=_MUNICIPALITY_FILTERS))
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MunicipalitySerializer

    def get_queryset(self) -> QuerySet[Municipality]:
        queryset = Municipality.objects.all()
        params = self.request.query_params
        if params.get("istat_code"):
            queryset = queryset.filter(istat_code=params["istat_code"])
        if params.get("cadastral_code"):
            queryset = queryset.filter(cadastral_code=params["cadastral_code"].upper())
        if params.get("province"):
            queryset = queryset.filter(province_code=params["province"].upper())
        if params.get("current") in {"true", "1"}:
            queryset = queryset.current()
        return queryset.order_by("name", "id")


class OfficeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    municipality_istat = serializers.CharField(
        source="municipality.istat_code", default=None, read_only=True
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


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=OfficeKind.values, description="Tipo di ufficio"),
            OpenApiParameter("code", str, description="Codice dell'ufficio"),
            OpenApiParameter("istat_code", str, description="Uffici competenti per il comune"),
        ]
    )
)
class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficeSerializer

    def get_queryset(self) -> QuerySet[Office]:
        queryset = Office.objects.select_related("parent", "municipality").annotate(
            served=Count("competences")
        )
        params = self.request.query_params
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
