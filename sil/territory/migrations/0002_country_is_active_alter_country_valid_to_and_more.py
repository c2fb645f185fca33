from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('territory', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='country',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='in uso'),
        ),
        migrations.AlterField(
            model_name='country',
            name='valid_to',
            field=models.DateField(blank=True, null=True, verbose_name='valido fino al'),
        ),
        migrations.AlterField(
            model_name='municipality',
            name='valid_to',
            field=models.DateField(blank=True, null=True, verbose_name='valido fino al'),
        ),
    ]
