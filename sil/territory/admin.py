from django.contrib import admin

from sil.territory.models import Competence, Country, Municipality, Office, Province, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["istat_code", "name"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "istat_code", "region"]
    list_select_related = ["region"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "province_code",
        "istat_code",
        "cadastral_code",
        "valid_from",
        "valid_to",
    ]
    search_fields = ["name", "istat_code", "cadastral_code"]
    list_filter = ["province_code"]
    raw_id_fields = ["province"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "cadastral_code", "valid_from", "valid_to", "is_active"]
    search_fields = ["name", "cadastral_code"]


class CompetenceInline(admin.TabularInline):
    model = Competence
    raw_id_fields = ["municipality"]
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["municipality", "parent"]
    inlines = [CompetenceInline]
