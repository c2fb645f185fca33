# The name search index for the operators of one CPI, built without locking writes.

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0007_person_names_truncate"),
        ("territory", "0003_municipality_population"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                models.F("competent_office"),
                django.db.models.functions.comparison.Collate(
                    django.db.models.functions.text.Upper(
                        models.Func(
                            "last_name", function="sil_unaccent", output_field=models.TextField()
                        )
                    ),
                    "C",
                ),
                django.db.models.functions.comparison.Collate(
                    django.db.models.functions.text.Upper(
                        models.Func(
                            "first_name", function="sil_unaccent", output_field=models.TextField()
                        )
                    ),
                    "C",
                ),
                models.F("birth_date"),
                models.F("id"),
                name="person_office_name_key",
            ),
        ),
    ]
