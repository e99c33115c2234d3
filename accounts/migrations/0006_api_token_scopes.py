"""Tokens get scopes. Tokens that exist keep what they could do: every integration scope, and
`admin` as well where the token's user is an admin (those acted as admins before). New tokens
default to the integration scopes, never `admin`."""

from django.db import migrations, models

INTEGRATION = ["leads:read", "leads:write", "calls:read", "calls:write", "kpis:read"]


def keep_what_tokens_could_do(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        admin = token.user.role == "admin" or (token.user.is_superuser and token.user.role != "integration")
        token.scopes = [*INTEGRATION, "admin"] if admin else list(INTEGRATION)
        token.save(update_fields=["scopes"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list, verbose_name="scopes"),
        ),
        migrations.RunPython(keep_what_tokens_could_do, migrations.RunPython.noop),
    ]
