"""The catalogues are complete and the Traditional one is in Traditional script:

- every zh_Hant text is unchanged by OpenCC's Simplified → Traditional (Taiwan) conversion, except
  for characters that are standard Traditional too, where the converter prefers a variant
  (ALLOWED_AS_IS); so no Simplified-only character is left;
- every zh_Hant text outside the reviewed HANT wording uses Taiwan's vocabulary: OpenCC's Taiwan
  phrase table (s2twp's) changes nothing in it (檢視 not 查看, 儲存 not 保存, 資料 not 數據);
- both domains: django (the server) and djangojs (the admin's JavaScript strings);
- neither catalogue has an untranslated or fuzzy entry (what msgattrib --untranslated / --only-fuzzy
  would list);
- the compiled .mo files say what the .po files say."""

import shutil
import subprocess
import sys
from pathlib import Path

import opencc
import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
CATALOGUES = [(name, domain) for domain in ("django", "djangojs") for name in ("zh_Hans", "zh_Hant")]

# Standard in Traditional Chinese too; OpenCC s2tw turns them into variants or other words
# (台 → 臺; 表示 → 錶示, 表 is "table/show", 錶 a watch).
ALLOWED_AS_IS = set("台表")


def po(name: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE / name / "LC_MESSAGES" / f"{domain}.po"))


def translations_tool():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import translations
    finally:
        sys.path.pop(0)
    return translations


def texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def simplified_left(text: str, converter: opencc.OpenCC) -> list[str]:
    """The characters of `text` that the conversion changes, outside the allowlist."""
    converted = converter.convert(text)
    if len(converted) != len(text):  # a phrase converted to a longer or shorter one
        return [text] if converted != text else []
    return [f"{a}→{b}" for a, b in zip(text, converted, strict=True) if a != b and a not in ALLOWED_AS_IS]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_traditional_text_is_in_traditional_script(domain):
    converter = opencc.OpenCC("s2tw")
    wrong = {}
    for entry in po("zh_Hant", domain):
        for text in texts(entry):
            left = simplified_left(text, converter)
            if left:
                wrong[entry.msgid[:60]] = left
    assert not wrong, f"Simplified characters in zh_Hant: {wrong}"


def test_the_check_catches_a_simplified_character():
    converter = opencc.OpenCC("s2tw")
    assert simplified_left("手机号码", converter) == ["机→機", "号→號", "码→碼"]
    assert simplified_left("表示台灣", converter) == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_traditional_texts_use_taiwan_vocabulary(domain):
    tool = translations_tool()
    phraser = tool.taiwan_phraser()
    wrong = {}
    for entry in po("zh_Hant", domain):
        if (entry.msgctxt, entry.msgid) in tool.HANT:
            continue  # reviewed wording (Django's own zh_Hant for its admin strings)
        for text in texts(entry):
            if tool.taiwan_phrases(phraser, text) != text:
                wrong[entry.msgid[:60]] = f"{text} → {tool.taiwan_phrases(phraser, text)}"
    assert not wrong, f"not Taiwan's wording in zh_Hant (run tools/translations.py): {wrong}"


def test_taiwan_vocabulary_check_catches_mainland_words_and_keeps_ours():
    tool = translations_tool()
    phraser = tool.taiwan_phraser()
    assert tool.taiwan_phrases(phraser, "保存數據，查看信息，默認軟件程序") == "儲存資料，檢視資訊，預設軟體程式"
    assert tool.taiwan_phrases(phraser, "評分項目的代碼和類型") == "評分項目的代碼和類型"


@pytest.mark.parametrize("name,domain", CATALOGUES)
def test_no_entry_is_untranslated_or_fuzzy(name, domain):
    catalogue = po(name, domain)
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not all(texts(e))]
    fuzzy = [e.msgid for e in catalogue if not e.obsolete and "fuzzy" in e.flags]
    assert not untranslated, f"untranslated in {name}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {name}: {fuzzy[:20]}"


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("name,domain", CATALOGUES)
def test_msgattrib_finds_nothing_to_do(name, domain):
    path = LOCALE / name / "LC_MESSAGES" / f"{domain}.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, "--no-obsolete", str(path)], capture_output=True, text=True,
                             check=True).stdout
        assert "msgid" not in out.split('msgstr ""', 1)[-1], f"msgattrib {flag} lists entries in {name}"


@pytest.mark.parametrize("name,domain", CATALOGUES)
def test_compiled_catalogue_is_up_to_date(name, domain):
    source = po(name, domain)
    compiled = polib.mofile(str(LOCALE / name / "LC_MESSAGES" / f"{domain}.mo"))
    want = {(e.msgctxt, e.msgid): texts(e) for e in source if not e.obsolete and "fuzzy" not in e.flags}
    have = {(e.msgctxt, e.msgid): texts(e) for e in compiled if e.msgid}
    assert have == want, "run manage.py compilemessages --ignore=.venv"
