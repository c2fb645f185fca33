from django.db import migrations

# A person's profession families and ISCO groups joined to the 0.25-degree grid cell of where
# they live, e.g. "2.6.2@161:62", "i2310@161:62". IMMUTABLE, so it can compute a stored column.
CREATE = r"""
CREATE OR REPLACE FUNCTION matching_family_cells(
    professions varchar[], isco varchar[], lat double precision, lon double precision
) RETURNS varchar[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN lat IS NULL OR lon IS NULL THEN '{}'::varchar[] ELSE coalesce(
    (SELECT array_agg(DISTINCT (tag || '@' || floor(lat / 0.25)::int || ':'
                                || floor(lon / 0.25)::int)::varchar)
     FROM (SELECT code AS tag FROM unnest(professions) AS code
           WHERE array_length(string_to_array(code, '.'), 1) IN (2, 3)
           UNION ALL
           SELECT 'i' || code FROM unnest(isco) AS code) AS tags),
    '{}'::varchar[]) END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_text_search_and_weights")]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION IF EXISTS matching_family_cells"),
    ]
