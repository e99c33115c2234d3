"""The pure rules for lead attribute values: what each kind accepts and how it is stored."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leads.domain import (
    AttributeSpec,
    InvalidAttribute,
    attribute_key_from,
    clean_choices,
    normalise_attribute,
    normalise_attributes,
    printable,
    valid_attribute_key,
)

TEXT = AttributeSpec("previous_outcome", "上次结果", "text")
NUMBER = AttributeSpec("age", "Age", "number")
DATE = AttributeSpec("birthday", "Birthday", "date")
FLAG = AttributeSpec("has_car", "有车", "boolean")
CHOICE = AttributeSpec("age_band", "年龄段", "choice", ("18-29", "30-39"))
SPECS = {s.key: s for s in (TEXT, NUMBER, DATE, FLAG, CHOICE)}


def problem(spec, value) -> str:
    with pytest.raises(InvalidAttribute) as caught:
        normalise_attribute(spec, value)
    assert caught.value.key == spec.key
    return caught.value.problem


@pytest.mark.parametrize(("value", "stored"), [
    (" 有意向 ", "有意向"), ("", None), ("   ", None), (None, None), ("x" * 500, "x" * 500),
])
def test_text_is_stripped_and_blank_means_no_value(value, stored):
    assert normalise_attribute(TEXT, value) == stored


@pytest.mark.parametrize("value", ["x" * 501, "a\x00b", "\ud800", 42, True, ["a"], {"a": 1}])
def test_text_refuses_long_binary_and_non_text_values(value):
    assert problem(TEXT, value) in ("text", "too_long")


@pytest.mark.parametrize(("value", "stored"), [
    ("12.50", "12.5"), ("1,200", "1200"), (" 35 ", "35"), (35, "35"), (Decimal("1E+2"), "100"), (0.1, "0.1"),
    ("-0", "0"), (".5", "0.5"), ("-3.25", "-3.25"),
])
def test_numbers_are_stored_as_exact_decimal_strings(value, stored):
    assert normalise_attribute(NUMBER, value) == stored


@pytest.mark.parametrize("value", ["abc", "1e5", "NaN", "Infinity", "1.2.3", "12,34", True, [], "1" * 31, 1e400])
def test_a_number_attribute_refuses_what_is_not_a_plain_number(value):
    assert problem(NUMBER, value) == "number"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12))
def test_a_stored_number_is_the_same_number(value):
    assert Decimal(normalise_attribute(NUMBER, str(value))) == value


@pytest.mark.parametrize(("value", "stored"), [
    ("2026-03-02", "2026-03-02"), ("2026/3/2", "2026-03-02"), ("2026.03.02", "2026-03-02"),
    ("2026-03-02 00:00:00", "2026-03-02"), (dt.date(1960, 5, 1), "1960-05-01"),
])
def test_dates_are_stored_iso(value, stored):
    assert normalise_attribute(DATE, value) == stored


@pytest.mark.parametrize("value", ["2026-02-30", "02/03/2026", "1899-12-31", "2101-01-01", "2026-03-02 10:00:00",
                                   dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 20260302])
def test_a_date_attribute_refuses_impossible_or_ambiguous_dates(value):
    assert problem(DATE, value) == "date"


@pytest.mark.parametrize(("value", "stored"), [
    (True, True), (False, False), ("yes", True), ("NO", False), ("是", True), ("否", False), ("1", True), (0, False),
])
def test_yes_no_is_stored_as_a_boolean(value, stored):
    assert normalise_attribute(FLAG, value) is stored


@pytest.mark.parametrize("value", ["maybe", 2, 1.0, []])
def test_yes_no_refuses_anything_else(value):
    assert problem(FLAG, value) == "boolean"


def test_a_choice_must_be_one_of_the_choices_exactly():
    assert normalise_attribute(CHOICE, " 30-39 ") == "30-39"
    assert problem(CHOICE, "40-49") == "choice"
    assert problem(CHOICE, 30) == "choice"


def test_unknown_and_switched_off_keys_are_named():
    with pytest.raises(InvalidAttribute) as caught:
        normalise_attributes({"age": "3", "shoe_size": "42"}, SPECS)
    assert (caught.value.key, caught.value.problem) == ("shoe_size", "unknown")
    off = {"age": AttributeSpec("age", "Age", "number", active=False)}
    with pytest.raises(InvalidAttribute) as caught:
        normalise_attributes({"age": "3"}, off)
    assert caught.value.problem == "inactive"


def test_all_kinds_together_normalise_key_by_key():
    given_values = {"previous_outcome": "有意向", "age": "41", "birthday": "1985/1/9", "has_car": "是",
                    "age_band": "30-39", "the_empty_one": None}
    specs = {**SPECS, "the_empty_one": TEXT}
    assert normalise_attributes(given_values, specs) == {
        "previous_outcome": "有意向", "age": "41", "birthday": "1985-01-09", "has_car": True, "age_band": "30-39",
        "the_empty_one": None,
    }


@pytest.mark.parametrize(("header", "taken", "key"), [
    ("Age band", [], "age_band"), ("Previous outcome (2025)", [], "previous_outcome_2025"),
    ("年龄段", [], "attr_1"), ("年龄段", ["attr_1"], "attr_2"), ("Age band", ["age_band"], "age_band_1"),
    ("2025 spend", [], "attr_2025_spend"),
])
def test_keys_for_new_columns_are_ascii_and_unique(header, taken, key):
    assert attribute_key_from(header, taken) == key
    assert valid_attribute_key(key)


@pytest.mark.parametrize("key", ["Age", "age-band", "age__band", "_age", "1age", "age_", "a" * 51, "年龄"])
def test_keys_that_would_break_a_lookup_or_a_url_are_refused(key):
    assert not valid_attribute_key(key)


def test_choices_are_distinct_short_texts_in_order():
    assert clean_choices([" a ", "b", "a", ""]) == ("a", "b")
    assert clean_choices(["x" * 101]) is None
    assert clean_choices("a,b") is None
    assert clean_choices([1]) is None


def test_messages_never_carry_nul_or_lone_surrogates():
    assert printable("a\x00\ud800b") == "a??b"
    assert len(printable("x" * 80)) == 50
