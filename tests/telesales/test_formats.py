"""One way to show each kind of value, per language (telesales.formats and its template filters)."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from telesales import formats

LANGUAGES = ["en", "zh-hans", "zh-hant"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_counts_are_whole_numbers_with_thousands_separators(language):
    with translation.override(language):
        assert formats.count(39600) == "39,600"
        assert formats.count(Decimal("39600.00")) == "39,600"
        assert formats.count(Fraction(7, 2)) == "4"
        assert formats.count(None) == formats.MISSING


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_has_the_currency_and_two_decimals(language):
    with translation.override(language):
        assert formats.money(Decimal("13130.7")) == "¥13,130.70"
        assert formats.money(-5) == "-¥5.00"
        assert formats.money("") == formats.MISSING


@pytest.mark.parametrize("language", LANGUAGES)
def test_rates_are_percentages_with_one_decimal(language):
    with translation.override(language):
        assert formats.rate(Fraction(1, 8)) == "12.5%"
        assert formats.rate(0.3333) == "33.3%"
        assert formats.rate(float("nan")) == formats.MISSING
        assert formats.percent(Decimal("80")) == "80.0%"


@pytest.mark.parametrize("language", LANGUAGES)
def test_durations_are_m_ss_under_an_hour_and_h_mm_from_an_hour_on(language):
    with translation.override(language):
        assert formats.duration(188) == "3:08"
        assert formats.duration(59) == "0:59"
        assert formats.duration(3600) == "1:00"
        assert formats.duration(3 * 3600 + 25 * 60 + 40) == "3:26"


@pytest.mark.parametrize(("language", "short", "long"), [
    ("en", "2026-11-23", "23 November 2026"),
    ("zh-hans", "2026-11-23", "2026年11月23日"),
    ("zh-hant", "2026-11-23", "2026年11月23日"),
])
def test_dates_have_one_short_and_one_long_style_per_language(language, short, long):
    day = dt.date(2026, 11, 23)
    with translation.override(language):
        assert formats.short_date(day) == short
        assert formats.long_date(day) == long


@pytest.mark.parametrize(("language", "long"), [
    ("en", "23 November 2026, 14:05"), ("zh-hans", "2026年11月23日 14:05"), ("zh-hant", "2026年11月23日 14:05"),
])
def test_times_are_shown_in_the_configured_time_zone(language, long, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(2026, 11, 23, 6, 5, tzinfo=dt.UTC)  # 14:05 in Shanghai
    with translation.override(language), timezone.override("Asia/Shanghai"):
        assert formats.short_datetime(moment) == "2026-11-23 14:05"
        assert formats.long_datetime(moment) == long
        assert formats.short_date(moment) == "2026-11-23"


def test_templates_use_the_same_rules_through_filters():
    template = Template(
        "{% load formats %}{{ n|count }} {{ m|money }} {{ r|rate }} {{ s|duration }} {{ d|long_date }}"
    )
    with translation.override("zh-hans"):
        text = template.render(Context({"n": Decimal("39600.00"), "m": 40, "r": 0.25, "s": 188,
                                        "d": dt.date(2026, 11, 23)}))
    assert text == "39,600 ¥40.00 25.0% 3:08 2026年11月23日"
