from __future__ import annotations

from rest_framework import serializers, viewsets

from sil.territory.models import Municipality, Office


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
        ]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MunicipalitySerializer
    queryset = Municipality.objects.order_by("name", "id")


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "kind", "code", "name", "address", "postal_code", "phone", "email"]


class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficeSerializer
    queryset = Office.objects.order_by("name", "id")
