"""The text-search configuration of matching (Italian stemming, accents ignored) and the first
weights version, 2026.1."""

from django.db import migrations

CREATE_CONFIG = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'matching_italian') THEN
    CREATE TEXT SEARCH CONFIGURATION matching_italian (COPY = pg_catalog.italian);
    ALTER TEXT SEARCH CONFIGURATION matching_italian
      ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, italian_stem;
  END IF;
END
$$;
"""
DROP_CONFIG = "DROP TEXT SEARCH CONFIGURATION IF EXISTS matching_italian;"

WEIGHTS_2026_1 = {
    "profession": 30.0,
    "distance": 20.0,
    "availability": 10.0,
    "education": 8.0,
    "languages": 7.0,
    "licences": 7.0,
    "experience": 12.0,
    "text": 6.0,
}


def seed_weights(apps, schema_editor):
    WeightSet = apps.get_model("matching", "WeightSet")
    WeightSet.objects.update_or_create(
        version="2026.1",
        defaults={
            "weights": WEIGHTS_2026_1,
            "active": True,
            "note": "Prima versione: professione e distanza pesano la metà del punteggio.",
        },
    )


def unseed_weights(apps, schema_editor):
    apps.get_model("matching", "WeightSet").objects.filter(version="2026.1").delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_candidate_profiles_weights_runs")]

    operations = [
        migrations.RunSQL(CREATE_CONFIG, DROP_CONFIG),
        migrations.RunPython(seed_weights, unseed_weights),
    ]
