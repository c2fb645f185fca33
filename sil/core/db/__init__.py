"""Database helpers shared by apps (the embedded PostgreSQL runner lives in .embedded)."""

from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end): half-open [start, end) time ranges for exclusion constraints."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRange(Func):
    """daterange(start, end[, bounds]): date ranges for exclusion constraints."""

    function = "daterange"
    output_field = DateRangeField()
