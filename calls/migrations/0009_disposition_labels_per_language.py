"""Dispositions get a name per language; the shipped ones, still named as shipped
("No answer (无人接听)"), become "No answer" with their Chinese names in name_i18n. Names an admin
changed are left as they are."""

from django.db import migrations, models

# code, English name, 简体, 繁體 (a copy: migrations do not import app code)
SHIPPED = [
    ("no_answer", "No answer", "无人接听", "無人接聽"),
    ("busy", "Busy", "占线", "佔線"),
    ("invalid_number", "Invalid number", "空号/错号", "空號/錯號"),
    ("wrong_person", "Reached someone else", "非本人接听", "非本人接聽"),
    ("reached", "Reached the customer", "有效联通", "有效聯通"),
    ("quoted", "Quoted", "报价", "報價"),
    ("sold", "Sold", "出单", "出單"),
    ("refused", "Refused", "拒绝", "拒絕"),
    ("callback", "Call back later", "约定回电", "約定回電"),
    ("dnc", "Do not call", "勿扰", "勿擾"),
]


def forward(apps, schema_editor):
    Disposition = apps.get_model("calls", "Disposition")
    for code, name, hans, hant in SHIPPED:
        Disposition.objects.filter(code=code, name=f"{name} ({hans})").update(
            name=name, name_i18n={"zh-hans": hans, "zh-hant": hant})


def backward(apps, schema_editor):
    Disposition = apps.get_model("calls", "Disposition")
    for code, name, hans, _hant in SHIPPED:
        Disposition.objects.filter(code=code, name=name).update(name=f"{name} ({hans})")


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0008_work_queue'),
    ]

    operations = [
        migrations.AddField(
            model_name='disposition',
            name='name_i18n',
            field=models.JSONField(blank=True, default=dict, help_text='{"zh-hans": "…", "zh-hant": "…"}; empty: the name is shown in every language.', verbose_name='name in other languages'),
        ),
        migrations.RunPython(forward, backward),
    ]
