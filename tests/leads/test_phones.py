import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leads.phones import InvalidPhone, normalize_phone


def slow(text):
    n = phonenumbers.parse(text, "CN")
    if not phonenumbers.is_valid_number(n):
        return None
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=500, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=11, max_size=11), style=st.sampled_from(["{}", "+86{}", "+86 {}", "{} ", "{}-"]))
def test_fast_path_agrees_with_phonenumbers(digits, style):
    text = style.format(digits)
    try:
        fast = normalize_phone(text, "CN")
    except InvalidPhone:
        fast = None
    try:
        expected = slow(text)
    except phonenumbers.NumberParseException:
        expected = None
    assert fast == expected


@pytest.mark.parametrize("raw", ["138 0013 8000", "+86 138-0013-8000", "(138)00138000", "13800138000"])
def test_common_writings_normalize_to_e164(raw):
    assert normalize_phone(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["1390000abcd", "138OO138OOO", "1-800-FLOWERS", "tel:+8613800138000", "一三八00138000"])
def test_letters_are_refused_not_read_as_keypad_digits(raw):
    with pytest.raises(InvalidPhone, match="contains letters; enter the number in digits only"):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["13800138000 ext 12", "13800138000 x12", "13800138000#12", "010-12345678 ext. 5",
                                 "13800138000;ext=12", "010-12345678转123", "+86 10 1234 5678 分机 12"])
def test_extensions_are_refused_with_a_clear_message(raw):
    with pytest.raises(InvalidPhone, match="extensions are not supported; enter the number without one"):
        normalize_phone(raw)


def test_full_width_digits_are_still_a_number():
    assert normalize_phone("１３８００１３８０００") == "+8613800138000"
