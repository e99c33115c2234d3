"""The catalogues are complete and the Traditional one is in Traditional script:

- every zh_Hant text is unchanged by OpenCC's Simplified → Traditional (Taiwan) conversion, except
  for characters that are standard Traditional too, where the converter prefers a variant
  (ALLOWED_AS_IS); so no Simplified-only character is left;
- neither catalogue has an untranslated or fuzzy entry (what msgattrib --untranslated / --only-fuzzy
  would list);
- the compiled .mo files say what the .po files say."""

import shutil
import subprocess
from pathlib import Path

import opencc
import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
CATALOGUES = ["zh_Hans", "zh_Hant"]

# Standard in Traditional Chinese too; OpenCC s2tw turns them into variants or other words
# (台 → 臺; 表示 → 錶示, 表 is "table/show", 錶 a watch).
ALLOWED_AS_IS = set("台表")


def po(name: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / name / "LC_MESSAGES" / "django.po"))


def texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def simplified_left(text: str, converter: opencc.OpenCC) -> list[str]:
    """The characters of `text` that the conversion changes, outside the allowlist."""
    converted = converter.convert(text)
    if len(converted) != len(text):  # a phrase converted to a longer or shorter one
        return [text] if converted != text else []
    return [f"{a}→{b}" for a, b in zip(text, converted, strict=True) if a != b and a not in ALLOWED_AS_IS]


def test_every_traditional_text_is_in_traditional_script():
    converter = opencc.OpenCC("s2tw")
    wrong = {}
    for entry in po("zh_Hant"):
        for text in texts(entry):
            left = simplified_left(text, converter)
            if left:
                wrong[entry.msgid[:60]] = left
    assert not wrong, f"Simplified characters in zh_Hant: {wrong}"


def test_the_check_catches_a_simplified_character():
    converter = opencc.OpenCC("s2tw")
    assert simplified_left("手机号码", converter) == ["机→機", "号→號", "码→碼"]
    assert simplified_left("表示台灣", converter) == []


@pytest.mark.parametrize("name", CATALOGUES)
def test_no_entry_is_untranslated_or_fuzzy(name):
    catalogue = po(name)
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not all(texts(e))]
    fuzzy = [e.msgid for e in catalogue if not e.obsolete and "fuzzy" in e.flags]
    assert not untranslated, f"untranslated in {name}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {name}: {fuzzy[:20]}"


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("name", CATALOGUES)
def test_msgattrib_finds_nothing_to_do(name):
    path = LOCALE / name / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, "--no-obsolete", str(path)], capture_output=True, text=True,
                             check=True).stdout
        assert "msgid" not in out.split('msgstr ""', 1)[-1], f"msgattrib {flag} lists entries in {name}"


@pytest.mark.parametrize("name", CATALOGUES)
def test_compiled_catalogue_is_up_to_date(name):
    source = po(name)
    compiled = polib.mofile(str(LOCALE / name / "LC_MESSAGES" / "django.mo"))
    want = {(e.msgctxt, e.msgid): texts(e) for e in source if not e.obsolete and "fuzzy" not in e.flags}
    have = {(e.msgctxt, e.msgid): texts(e) for e in compiled if e.msgid}
    assert have == want, "run manage.py compilemessages --ignore=.venv"
