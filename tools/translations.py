"""Fill the zh_Hans / zh_Hant catalogues after makemessages, then compile.

    .venv/bin/python manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=bench --ignore=tests
    .venv/bin/python manage.py makemessages -d djangojs -l zh_Hans -l zh_Hant --ignore=.venv --ignore=bench \
        --ignore=tests --ignore=static
    .venv/bin/python tools/translations.py
    .venv/bin/python manage.py compilemessages --ignore=.venv

- A fuzzy entry (makemessages' guess for a changed msgid) is never kept: its guess is dropped.
- An empty zh_Hans entry takes its text from tools/zh_glossary.py (HANS).
- An empty zh_Hant entry (and every entry of the glossary, so a fixed Simplified text carries
  over) takes the reviewed text in HANT, else the zh_Hans text converted with OpenCC s2tw and
  the Taiwan wording in TW_WORDS (tests/test_translations.py keeps zh_Hant in Traditional script).
- Every zh_Hant text outside HANT then takes Taiwan's vocabulary from OpenCC's phrase table (the
  one s2twp uses: 保存 → 儲存, 查看 → 檢視, 數據 → 資料, 軟件 → 軟體, 默認 → 預設, 導入 → 匯入 …),
  except the words in KEEP_WORDS, where the table's IT reading is wrong here.
- A msgid with a bare % that is not a Python format gets `no-python-format`, so msgfmt does not
  check it as one; obsolete entries are removed.
Prints what is still untranslated; exits 1 if anything is."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import opencc
import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zh_glossary import HANS, HANT  # noqa: E402

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# django: the server's strings; djangojs: the admin's JavaScript strings Django's catalogue lacks.
DOMAINS = ["django", "djangojs"]
# Words s2tw converts character by character where Taiwan says something else (the catalogue's
# existing wording: 使用者, 欄位 …).
TW_WORDS = {"用戶": "使用者", "添加": "新增", "創建": "建立", "字段": "欄位", "刷新": "重新整理", "支持方式": "支援方式",
            "工具支持": "工具支援", "數據": "資料", "賬號": "帳號", "信息": "資訊",
            "系統集成": "系統整合"}


# Taiwan usage too in this UI's sense; OpenCC's phrase table reads them as programming terms
# (類型 → 型別, 項目 → 專案, 代碼 → 程式碼, 對象 → 物件, 參數 → 引數, 權限 → 許可權).
KEEP_WORDS = ("類型", "項目", "代碼", "對象", "參數", "權限")


def taiwan_phraser() -> opencc.OpenCC:
    """OpenCC with only the Taiwan phrase table (s2twp's last step), for text already in Traditional."""
    table = str(Path(opencc._opencc_share_dir) / "TWPhrases.ocd2")
    config = {"name": "Traditional to Taiwan phrases", "segmentation": {"type": "mmseg", "dict": {"type": "ocd2", "file": table}},
              "conversion_chain": [{"dict": {"type": "ocd2", "file": table}}]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(config, file)
    try:
        return opencc.OpenCC(file.name)
    finally:
        os.unlink(file.name)


def taiwan_phrases(converter, text: str) -> str:
    """`text` with Taiwan's words (檢視, 儲存, 資料 …); the KEEP_WORDS stay as they are."""
    marks = {word: chr(0xE000 + i) for i, word in enumerate(KEEP_WORDS)}  # private-use stand-ins
    for word, mark in marks.items():
        text = text.replace(word, mark)
    text = converter.convert(text)
    for word, mark in marks.items():
        text = text.replace(mark, word)
    return text


def to_traditional(converter, text: str) -> str:
    text = converter.convert(text)
    for word, taiwan in TW_WORDS.items():
        text = text.replace(word, taiwan)
    return text


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def clean(entry: polib.POEntry) -> None:
    """Drop a fuzzy guess; flag a bare % that is not a Python format."""
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
        entry.msgstr = ""
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "") if entry.msgstr_plural else {}
    if "%" in entry.msgid and "%(" not in entry.msgid and "%%" not in entry.msgid:
        entry.flags = [f for f in entry.flags if f != "python-format"]
        if "no-python-format" not in entry.flags:
            entry.flags.append("no-python-format")


def fill(entry: polib.POEntry, text: str) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, text)
    else:
        entry.msgstr = text


def main() -> int:
    return max(fill_domain(domain) for domain in DOMAINS)


def fill_domain(domain: str) -> int:
    """Fill one domain's pair of catalogues; 1 if anything is left untranslated."""
    hans = polib.pofile(str(LOCALE / f"zh_Hans/LC_MESSAGES/{domain}.po"), wrapwidth=0)
    hant = polib.pofile(str(LOCALE / f"zh_Hant/LC_MESSAGES/{domain}.po"), wrapwidth=0)
    s2tw = opencc.OpenCC("s2tw")
    for po in (hans, hant):
        for entry in [e for e in po if e.obsolete]:
            po.remove(entry)
        for entry in po:
            clean(entry)
    for entry in hans:
        if not is_translated(entry) and key(entry) in HANS:
            fill(entry, HANS[key(entry)])
    simplified = {key(e): e for e in hans}
    for entry in hant:
        if is_translated(entry) and key(entry) not in HANS:
            continue
        if key(entry) in HANT:
            fill(entry, HANT[key(entry)])
        elif key(entry) in simplified and is_translated(simplified[key(entry)]):
            source = simplified[key(entry)]
            if entry.msgid_plural:
                entry.msgstr_plural = {i: to_traditional(s2tw, t) for i, t in source.msgstr_plural.items()}
            else:
                entry.msgstr = to_traditional(s2tw, source.msgstr)
    phraser = taiwan_phraser()
    for entry in hant:
        if key(entry) in HANT:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {i: taiwan_phrases(phraser, t) for i, t in entry.msgstr_plural.items()}
        else:
            entry.msgstr = taiwan_phrases(phraser, entry.msgstr)
    missing = 0
    for name, po in (("zh_Hans", hans), ("zh_Hant", hant)):
        po.save()
        path = str(LOCALE / name / f"LC_MESSAGES/{domain}.po")
        subprocess.run(["msgcat", "--use-first", "-o", path, path], check=True)  # gettext's own line wrapping
        left = [e for e in po if not is_translated(e)]
        missing += len(left)
        print(f"{name} {domain}: {len(po)} messages, {len(left)} untranslated")
        for entry in left:
            print(f"  ({entry.msgctxt!r}, {entry.msgid!r})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
