from typing import Any

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flags_fill(apps: Any, schema_editor: Any) -> None:
    # The factors that count by themselves (not recovery codes), as
    # accounts.models.PRIMARY_KINDS says; historical models have no custom managers.
    User = apps.get_model("accounts", "User")
    Authenticator = apps.get_model("accounts", "Authenticator")
    primary = Authenticator.objects.filter(
        user=OuterRef("pk"), kind__in=["totp", "passkey"]
    )
    User.objects.filter(Exists(primary)).update(has_second_factor=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_merge_verification_and_second_factors"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="has_second_factor",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="has a second factor"
            ),
        ),
        migrations.RunPython(flags_fill, migrations.RunPython.noop, elidable=True),
    ]
