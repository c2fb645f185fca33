"""Tiered candidate search: CP4/CP5 codes joined to the grid cell where the person lives.

`matching_profession_cells` gives "5.1.2.2.0@163:57" and "5.1.2.2@163:57" for a person with that
profession (the same 0.25-degree cells as `matching_family_cells`, migration 0003). A partial
GIN index over it lets the ranking read first the people with the vacancy's exact profession
near the workplace, then those of its CP4 group, and reach the broad CP3 family only when
these are too few. An expression index rather than a stored column: the profile rows stay as
they are and nothing has to be rewritten.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION matching_profession_cells(
    professions varchar[], lat double precision, lon double precision
) RETURNS varchar[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN lat IS NULL OR lon IS NULL THEN '{}'::varchar[] ELSE coalesce(
    (SELECT array_agg(DISTINCT (code || '@' || floor(lat / 0.25)::int || ':'
                                || floor(lon / 0.25)::int)::varchar)
     FROM unnest(professions) AS code
     WHERE array_length(string_to_array(code, '.'), 1) IN (4, 5)),
    '{}'::varchar[]) END
$$;
"""

INDEX = """
CREATE INDEX IF NOT EXISTS cprofile_profession_cells ON matching_candidateprofile
USING gin (matching_profession_cells(professions, latitude, longitude)) WHERE available;
"""


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_family_cells")]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION IF EXISTS matching_profession_cells"),
        migrations.RunSQL(INDEX, "DROP INDEX IF EXISTS cprofile_profession_cells"),
    ]
