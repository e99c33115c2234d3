from django.db import migrations

DEFAULT_REASONS = [
    "价格太高 Too expensive",
    "没有需求 No need",
    "已从别处购买 Bought elsewhere",
    "联系不上 Unreachable",
    "不是决策人 Not the decision maker",
    "时机不对 Bad timing",
    "其他 Other",
]


def create(apps, schema_editor):
    LostReason = apps.get_model("leads", "LostReason")
    for name in DEFAULT_REASONS:
        LostReason.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("leads", "LostReason").objects.filter(name__in=DEFAULT_REASONS).delete()


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
