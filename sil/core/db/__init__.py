"""Database helpers shared by apps (the embedded PostgreSQL runner lives in .embedded)."""

from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end): half-open [start, end) time ranges for exclusion constraints."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
