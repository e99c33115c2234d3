"""Fill the zh_Hans / zh_Hant catalogues after makemessages, then compile.

    .venv/bin/python manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=bench --ignore=tests
    .venv/bin/python tools/translations.py
    .venv/bin/python manage.py compilemessages --ignore=.venv

- A fuzzy entry (makemessages' guess for a changed msgid) is never kept: its guess is dropped.
- An empty zh_Hans entry takes its text from tools/zh_glossary.py (HANS).
- An empty zh_Hant entry takes the reviewed text in HANT, else the zh_Hans text converted with
  OpenCC s2tw (tests/test_translations.py keeps every zh_Hant text in Traditional script).
- A msgid with a bare % that is not a Python format gets `no-python-format`, so msgfmt does not
  check it as one; obsolete entries are removed.
Prints what is still untranslated; exits 1 if anything is."""

import subprocess
import sys
from pathlib import Path

import opencc
import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from zh_glossary import HANS, HANT  # noqa: E402

LOCALE = Path(__file__).resolve().parent.parent / "locale"


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
    hans = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"), wrapwidth=0)
    hant = polib.pofile(str(LOCALE / "zh_Hant/LC_MESSAGES/django.po"), wrapwidth=0)
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
        if is_translated(entry):
            continue
        if key(entry) in HANT:
            fill(entry, HANT[key(entry)])
        elif key(entry) in simplified and is_translated(simplified[key(entry)]):
            source = simplified[key(entry)]
            if entry.msgid_plural:
                entry.msgstr_plural = {i: s2tw.convert(t) for i, t in source.msgstr_plural.items()}
            else:
                entry.msgstr = s2tw.convert(source.msgstr)
    missing = 0
    for name, po in (("zh_Hans", hans), ("zh_Hant", hant)):
        po.save()
        path = str(LOCALE / name / "LC_MESSAGES/django.po")
        subprocess.run(["msgcat", "--use-first", "-o", path, path], check=True)  # gettext's own line wrapping
        left = [e for e in po if not is_translated(e)]
        missing += len(left)
        print(f"{name}: {len(po)} messages, {len(left)} untranslated")
        for entry in left:
            print(f"  ({entry.msgctxt!r}, {entry.msgid!r})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
