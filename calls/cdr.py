"""Import Asterisk cdr-csv files (Master.csv) as call records, through the same idempotent sync.

Column order of Asterisk's cdr_csv module: accountcode, src, dst, dcontext, clid, channel,
dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags,
then uniqueid and userfield when `loguniqueid` / `loguserfield` are on. Times are local time
unless Asterisk writes GMT (`usegmtime`). The customer is the dialled number (dst); talk time
is billsec. uniqueid is the external id, so importing a file twice changes nothing."""

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import User
from calls.sync import sync_calls

COLUMNS = ["accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
           "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield"]
# Asterisk dispositions → ours. ANSWERED with talk time is a reach; answered in a second or two is not.
DISPOSITIONS = {"NO ANSWER": "no_answer", "BUSY": "busy", "FAILED": "no_answer", "CONGESTION": "busy"}
MIN_ANSWERED_SECONDS = 5
CHUNK = 1000


def read_master_csv(lines: Iterable[str]) -> Iterator[dict]:
    """Yield one dict per CDR line (header-less, the cdr_csv column order)."""
    for values in csv.reader(lines):
        if not values or all(not v.strip() for v in values):
            continue
        if values[0] == "accountcode" and len(values) > 2 and values[2] == "dst":
            continue  # a header some exports add
        yield dict(zip(COLUMNS, (v.strip() for v in values), strict=False))


def to_sync_row(cdr: dict, *, source: str, tz: dt.tzinfo, reps_by_code: dict) -> dict:
    """Map one CDR to a sync row (the sync validates it and reports errors per row)."""
    start = cdr.get("start") or ""
    started_at = ""
    if start:
        try:
            started_at = dt.datetime.fromisoformat(start).replace(tzinfo=tz).isoformat()
        except ValueError:
            started_at = start  # reported as a bad date by the sync
    billsec = cdr.get("billsec") or "0"
    answered = (cdr.get("disposition") or "").upper()
    if answered == "ANSWERED":
        disposition = "reached" if billsec.isdigit() and int(billsec) >= MIN_ANSWERED_SECONDS else "wrong_person"
    else:
        disposition = DISPOSITIONS.get(answered, answered.lower() or "no_answer")
    external_id = cdr.get("uniqueid") or hashlib.sha1(
        "|".join(cdr.get(k, "") for k in ("start", "src", "dst", "channel", "dstchannel")).encode()
    ).hexdigest()[:32]
    row = {
        "source": source, "external_id": external_id, "phone": cdr.get("dst") or "", "started_at": started_at,
        "duration_seconds": billsec, "disposition": disposition, "channel": "phone",
        "notes": f"CDR {cdr.get('channel', '')} → {cdr.get('dstchannel', '')}".strip()[:4000],
    }
    rep = reps_by_code.get(cdr.get("accountcode")) or reps_by_code.get(cdr.get("src"))
    if rep:
        row["rep_id"] = rep
    return row


def import_cdr(*, actor: User, stream, source: str = "asterisk", gmt: bool = False) -> dict:
    """Import a Master.csv text stream in chunks; returns counts and the first errors."""
    tz = dt.UTC if gmt else ZoneInfo(settings.TIME_ZONE)
    if isinstance(stream, bytes | bytearray):
        stream = io.StringIO(stream.decode("utf-8-sig", errors="replace"))
    reps_by_code = {u: pk for u, pk in User.objects.filter(is_active=True).values_list("username", "pk")}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
    errors: list[dict] = []
    batch: list[dict] = []
    line = 0

    def flush():
        for result in sync_calls(actor=actor, rows=batch):
            counts[result["status"]] += 1
            if result["status"] == "error" and len(errors) < 100:
                errors.append({"line": line - len(batch) + result["index"] + 1, "reason": result["reason"],
                               "external_id": result["external_id"]})
        batch.clear()

    for cdr in read_master_csv(stream):
        batch.append(to_sync_row(cdr, source=source, tz=tz, reps_by_code=reps_by_code))
        line += 1
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    return {"counts": counts, "errors": errors}
