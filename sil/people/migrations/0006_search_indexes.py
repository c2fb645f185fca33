# The search indexes of the registry, built without locking writes on a big table.

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0005_search_keys_name_dictionary"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
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
                name="person_name_key",
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                models.Func(
                    "fiscal_code", function="sil_fiscal_code_base", output_field=models.CharField()
                ),
                name="person_fiscal_code_base",
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="person_email_upper"
            ),
        ),
    ]
