"""Reading an import file: the header and rows of a CSV (UTF-8 or GB18030) or the first sheet
of an .xlsx, and which column holds which lead field (explicit mapping, then header aliases)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from telesales.errors import DomainError

FIELDS = ["name", "phone", "phone2", "company", "region", "source", "tags", "product_interest", "grade"]
ALIASES = {
    "name": ["name", "customer", "contact", "姓名", "客户", "客户名称", "客户姓名", "联系人"],
    "phone": ["phone", "mobile", "tel", "telephone", "电话", "手机", "手机号", "手机号码", "联系电话"],
    "phone2": ["phone2", "second phone", "other phone", "备用电话", "电话2"],
    "company": ["company", "公司", "单位", "公司名称"],
    "region": ["region", "area", "city", "地区", "区域", "城市"],
    "source": ["source", "来源", "渠道"],
    "tags": ["tags", "tag", "标签"],
    "product_interest": ["product", "product interest", "product_interest", "意向产品", "产品"],
    "grade": ["grade", "level", "等级", "客户等级"],
}

# ---- reading -------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()  # a date cell
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, ext: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first sheet (xlsx) or of a CSV in UTF-8 or GB18030."""
    if ext == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = ([_cell(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True))
        header = next(rows, [])
        return header, [r for r in rows if any(r)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DomainError("The file is neither UTF-8 nor GB18030 text.")
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    return header, [[c.strip() for c in r] for r in reader if any(c.strip() for c in r)]


def resolve_mapping(header: list[str], mapping: dict | None) -> dict[str, int]:
    """field -> column index, from the explicit mapping first, then header aliases."""
    index = {h.strip().lower(): i for i, h in enumerate(header) if h}
    out: dict[str, int] = {}
    for field, column in (mapping or {}).items():
        i = index.get(str(column).strip().lower())
        if i is None:
            raise DomainError(f"Column “{column}” mapped to {field} is not in the file.")
        out[field] = i
    for field, names in ALIASES.items():
        if field in out:
            continue
        for alias in names:
            if alias.lower() in index:
                out[field] = index[alias.lower()]
                break
    if "phone" not in out:
        raise DomainError("No phone column found; map one (e.g. 手机 → phone).")
    if "name" not in out:
        raise DomainError("No name column found; map one (e.g. 姓名 → name).")
    return out


# The per-row report: the file's row, what happened (created, collision, duplicate_in_file,
# do_not_call, error), why, who holds the number now, and the lead the row created or matched.
REPORT_COLUMNS = ["row", "result", "reason", "current_owner", "lead_id"]


def report_rows(job) -> list[dict]:
    """An ImportJob's report as records (row, result, reason, current_owner, lead_id)."""
    lines = list(csv.reader(io.StringIO(job.report or "")))
    header = lines[0] if lines else REPORT_COLUMNS
    out = []
    for line in lines[1:]:
        record = dict(zip(header, line, strict=False))
        record["row"] = int(record["row"])
        lead_id = record.get("lead_id", "")
        record["lead_id"] = int(lead_id) if lead_id.isdigit() else None
        out.append({name: record.get(name, "") for name in REPORT_COLUMNS})
    return out
