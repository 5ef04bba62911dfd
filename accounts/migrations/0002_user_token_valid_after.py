from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="token_valid_after",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="tokens valid after"
            ),
        ),
    ]
