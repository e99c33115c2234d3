"""The shipped lost reasons were bilingual names ("价格太高 Too expensive"); they become an English
name with a label per language (leads.LostReason.name_i18n). Reasons an admin renamed are left alone."""

from django.db import migrations

RENAMED = [
    ("价格太高 Too expensive", "Too expensive", "价格太高", "價格太高"),
    ("没有需求 No need", "No need", "没有需求", "沒有需求"),
    ("已从别处购买 Bought elsewhere", "Bought elsewhere", "已从别处购买", "已從別處購買"),
    ("联系不上 Unreachable", "Unreachable", "联系不上", "聯繫不上"),
    ("不是决策人 Not the decision maker", "Not the decision maker", "不是决策人", "不是決策人"),
    ("时机不对 Bad timing", "Bad timing", "时机不对", "時機不對"),
    ("其他 Other", "Other", "其他", "其他"),
]


def forward(apps, schema_editor):
    LostReason = apps.get_model("leads", "LostReason")
    for old, name, hans, hant in RENAMED:
        if not LostReason.objects.filter(name=name).exists():
            LostReason.objects.filter(name=old).update(name=name, name_i18n={"zh-hans": hans, "zh-hant": hant})


def backward(apps, schema_editor):
    LostReason = apps.get_model("leads", "LostReason")
    for old, name, _hans, _hant in RENAMED:
        LostReason.objects.filter(name=name).update(name=old, name_i18n={})


class Migration(migrations.Migration):
    dependencies = [("funnel", "0002_funnel_snapshots"), ("leads", "0009_labels_per_language")]
    operations = [migrations.RunPython(forward, backward)]
