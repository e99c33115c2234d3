"""Ship the standard dispositions (call outcomes) with their meaning flags."""

from django.db import migrations

# code, name, flags (attempted is True for all)
DISPOSITIONS = [
    ("no_answer", "No answer (无人接听)", {}),
    ("busy", "Busy (占线)", {}),
    ("invalid_number", "Invalid number (空号/错号)", {"final": True}),
    ("wrong_person", "Reached someone else (非本人接听)", {}),
    ("reached", "Reached the customer (有效联通)", {"reached": True}),
    ("quoted", "Quoted (报价)", {"reached": True, "quoted": True}),
    ("sold", "Sold (出单)", {"reached": True, "quoted": True, "sold": True, "final": True}),
    ("refused", "Refused (拒绝)", {"reached": True, "refused": True}),
    ("callback", "Call back later (约定回电)", {"reached": True, "callback": True}),
    ("dnc", "Do not call (勿扰)", {"reached": True, "dnc": True, "final": True}),
]


def ship(apps, schema_editor):
    Disposition = apps.get_model("calls", "Disposition")
    for position, (code, name, flags) in enumerate(DISPOSITIONS, start=1):
        Disposition.objects.update_or_create(
            code=code, defaults={"name": name, "attempted": True, "position": position * 10, **flags}
        )


def unship(apps, schema_editor):
    apps.get_model("calls", "Disposition").objects.filter(
        code__in=[c for c, _, _ in DISPOSITIONS], calls__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_initial")]
    operations = [migrations.RunPython(ship, unship)]
