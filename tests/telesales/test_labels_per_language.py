"""Labels admins edit, one per language (telesales.i18n): a Traditional reader sees the
Traditional name, falls back to Simplified, then to the default name; the API takes and shows them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from leads.models import LostReason
from telesales.i18n import clean_labels, pick
from tests.factories import PoolFactory

LABELS = {"zh-hans": "价格太高", "zh-hant": "價格太高"}


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "Too expensive"), ("zh-hans", "价格太高"), ("zh-hant", "價格太高"),
])
def test_a_label_is_shown_in_the_readers_language(language, shown):
    assert pick("Too expensive", LABELS, language) == shown


def test_a_missing_language_falls_back_to_the_other_chinese_then_the_default():
    assert pick("Too expensive", {"zh-hans": "价格太高"}, "zh-hant") == "价格太高"
    assert pick("Too expensive", {}, "zh-hant") == "Too expensive"


def test_unknown_languages_and_blank_labels_are_refused_or_dropped():
    assert clean_labels({"zh-hans": " 价格太高 ", "zh-hant": ""}) == {"zh-hans": "价格太高"}
    with pytest.raises(ValueError, match="fr"):
        clean_labels({"fr": "trop cher"})


@pytest.mark.django_db
def test_models_and_the_template_filter_use_the_same_accessor():
    reason = LostReason.objects.create(name="Far too expensive", name_i18n=LABELS)
    template = Template("{% load formats %}{{ reason|localized }}")
    with translation.override("zh-hant"):
        assert str(reason) == "價格太高"
        assert template.render(Context({"reason": reason})) == "價格太高"


@pytest.mark.django_db
def test_the_pools_api_takes_labels_per_language_and_names_a_wrong_one(api, admin_user):
    pool = PoolFactory(name="National pool")
    client = api.as_user(admin_user)
    wrong = client.patch(f"/api/v1/pools/{pool.pk}/", {"name_i18n": {"xx": "?"}}, format="json")
    assert wrong.status_code == 400 and "name_i18n" in str(wrong.json()) and "xx" in str(wrong.json())
    ok = client.patch(f"/api/v1/pools/{pool.pk}/", {"name_i18n": {"zh-hant": "全國公海"}}, format="json")
    assert ok.status_code == 200
    shown = client.get(f"/api/v1/pools/{pool.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert shown["label"] == "全國公海" and shown["name"] == "National pool"
