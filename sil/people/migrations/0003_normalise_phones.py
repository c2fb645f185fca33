"""Telephone numbers in E.164 (+39…), as the actions now store them; unparsable ones stay."""

import phonenumbers
from django.db import migrations


def normalise(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.exclude(phone="").only("id", "phone").iterator(chunk_size=2000):
        try:
            number = phonenumbers.parse(person.phone, "IT")
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 != person.phone:
            person.phone = e164
            changed.append(person)
    Person.objects.bulk_update(changed, ["phone"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_cf_history_consents_permit_search")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
