"""Cells for CSV and Excel downloads, safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel or
LibreOffice as a formula (CSV/formula injection), so a lead named `=HYPERLINK(...)` could run in a
manager's spreadsheet. Every export writes its cells through `safe_cell` (one place): such text
gets a leading single quote; numbers, and text that is only a number (`-12.5`, `+8613900001234`),
are left as they are."""

import re
from collections.abc import Iterable

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value):
    """The value, with text that a spreadsheet would run as a formula prefixed by `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_rows(rows: Iterable[Iterable]) -> Iterable[list]:
    """Rows for `csv.writer.writerows`, each cell through `safe_cell`."""
    for row in rows:
        yield [safe_cell(value) for value in row]


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` for `to_csv`/`to_excel`: text columns and headers through `safe_cell`."""
    out = df.rename(columns=safe_cell)
    for column in out.select_dtypes(include=["object", "string"]).columns:
        out[column] = out[column].map(safe_cell)
    return out
