"""Idempotent batch sync of call records from dialers (and CDR imports).

Each row carries `source` + `external_id`. A row equal to what is stored is `unchanged` and
costs no write; a new or changed row goes through one `INSERT … ON CONFLICT DO UPDATE … WHERE
<something differs>` per chunk, so the unique constraint — the database — decides between two
clients sending the same record at the same moment. Rows are validated one by one: a bad row
gets its own error and never blocks the good ones. Work is done in chunks of CHUNK rows, each
in its own transaction, so memory and lock time stay bounded whatever the batch size."""

import datetime as dt
import re
import time
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.access import scope_by_user, sees_everything, visible_users
from accounts.models import User
from calls import dnc
from calls.models import Call, Channel, Disposition, FollowUp
from calls.services import local_day, mark_rep_days, refresh_lead_call_facts, validate_amounts
from leads.models import GradeChange, Lead, LeadStatus
from leads.phones import normalize_phone
from telesales.errors import DomainError

MAX_BATCH = 5000
CHUNK = 1000
CHANNELS = frozenset(Channel.values)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
COMPARED = ["lead_id", "rep_id", "channel", "started_at", "duration_seconds", "disposition_id", "premium",
            "margin_rate", "quote_amount", "notes", "recording_url"]
COLUMNS = [*COMPARED, "source", "external_id", "created_at", "updated_at"]


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_LATEST = [0.0, EARLIEST]


def _latest() -> dt.datetime:
    """Now + 1 day, recomputed at most once a second (checked for every row)."""
    tick = time.monotonic()
    if tick - _LATEST[0] > 1:
        _LATEST[:] = [tick, timezone.now() + dt.timedelta(days=1)]
    return _LATEST[1]


class RowError(Exception):
    pass


@dataclass
class Row:
    index: int
    source: str
    external_id: str
    values: dict | None = None
    error: str | None = None
    status: str | None = None
    call_id: int | None = None
    lead_phone: str | None = None
    lead_id: int | None = None
    phone: str | None = None
    rep_id: int | None = None
    disposition: Disposition | None = None
    rejected_early: bool = False  # shape error or duplicate: never retried

    def result(self) -> dict:
        return {"index": self.index, "source": self.source, "external_id": self.external_id,
                "status": self.status, "id": self.call_id, "reason": self.error}


def _text(raw: dict, name: str, max_len: int, *, required: bool = False) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise RowError(f"{name} is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RowError(f"{name} must be text.")
    value = str(value).strip()
    if required and not value:
        raise RowError(f"{name} is required.")
    if len(value) > max_len:
        raise RowError(f"{name} is longer than {max_len} characters.")
    return value


def _int(raw: dict, name: str, *, default=None, low=0, high=2**31 - 1):
    value = raw.get(name, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise RowError(f"{name} must be a whole number.")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise RowError(f"{name} must be a whole number.") from exc
    if number != value and not (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        raise RowError(f"{name} must be a whole number.")
    if not low <= number <= high:
        raise RowError(f"{name} must be between {low} and {high}.")
    return number


def _when(raw: dict, name: str) -> dt.datetime:
    value = raw.get(name)
    if not isinstance(value, str) or not value:
        raise RowError(f"{name} is required (ISO 8601, e.g. 2026-03-10T10:15:00+08:00).")
    try:
        when = parse_datetime(value.strip())
    except ValueError:
        when = None
    if when is None:
        raise RowError(f"{name} “{value[:40]}” is not an ISO 8601 date-time.")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if not EARLIEST <= when <= _latest():
        raise RowError(f"{name} must be between 2000 and now.")
    return when.astimezone(dt.UTC)


def parse_row(index: int, raw) -> Row:
    """Shape checks that need no database."""
    if not isinstance(raw, dict):
        return Row(index=index, source="", external_id="", error="Each row must be an object.", status="error",
                   rejected_early=True)
    source = raw.get("source") if isinstance(raw.get("source"), str) else ""
    external_id = raw.get("external_id") if isinstance(raw.get("external_id"), str | int) else ""
    row = Row(index=index, source=str(source)[:50], external_id=str(external_id)[:100])
    try:
        row.source = _text(raw, "source", 50, required=True)
        row.external_id = _text(raw, "external_id", 100, required=True)
        row.lead_id = _int(raw, "lead_id", low=1)
        phone = _text(raw, "phone", 40)
        if row.lead_id is None and not phone:
            raise RowError("Give lead_id or phone to match the lead.")
        row.phone = phone or None
        row.rep_id = _int(raw, "rep_id", low=1)
        channel = raw.get("channel") or Channel.PHONE
        if channel not in CHANNELS:
            raise RowError(f"channel must be one of {', '.join(Channel.values)}.")
        row.values = {
            "channel": channel,
            "started_at": _when(raw, "started_at"),
            "duration_seconds": _int(raw, "duration_seconds", default=0, high=24 * 3600),
            "notes": _text(raw, "notes", 4000),
            "recording_url": _text(raw, "recording_url", 500),
            "premium": raw.get("premium"),
            "margin_rate": raw.get("margin_rate"),
            "quote_amount": raw.get("quote_amount"),
            "disposition": _text(raw, "disposition", 40, required=True),
        }
        for name in ("premium", "margin_rate", "quote_amount"):
            if isinstance(row.values[name], bool) or not isinstance(row.values[name], str | int | float | type(None)):
                raise RowError(f"{name} must be a number.")
    except RowError as exc:
        row.error, row.status, row.rejected_early = str(exc), "error", True
    return row


def _normalized(phone: str) -> str | None:
    if E164.match(phone):
        return phone
    try:
        return normalize_phone(phone)
    except DomainError:
        return None


class SyncContext:
    """Per-request lookups (dispositions, reps the actor may sync for)."""

    def __init__(self, actor: User, *, portable: bool = False):
        self.actor = actor
        self.portable = portable
        self.all_access = sees_everything(actor)
        self.dispositions = {d.code: d for d in Disposition.objects.filter(active=True)}
        self._reps: dict[int, bool] = {}

    def rep_allowed(self, rep_ids: set[int]) -> set[int]:
        missing = {r for r in rep_ids if r not in self._reps}
        if missing:
            qs = User.objects.filter(pk__in=missing, is_active=True) if self.all_access else \
                visible_users(self.actor).filter(pk__in=missing, is_active=True)
            found = set(qs.values_list("pk", flat=True))
            self._reps.update({r: r in found for r in missing})
        return {r for r in rep_ids if self._reps[r]}


def sync_calls(*, actor: User, rows: list, source_default: str | None = None, portable: bool = False) -> list[dict]:
    """Upsert call records; one result per row in input order. `portable` writes with the
    statement SQLite also runs, even on PostgreSQL (tests run both and compare them)."""
    if len(rows) > MAX_BATCH:
        raise DomainError(f"A batch holds at most {MAX_BATCH} calls; split it.")
    ctx = SyncContext(actor, portable=portable)
    results: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for start in range(0, len(rows), CHUNK):
        parsed = []
        for offset, raw in enumerate(rows[start:start + CHUNK]):
            if source_default and isinstance(raw, dict) and not raw.get("source"):
                raw = {**raw, "source": source_default}
            row = parse_row(start + offset, raw)
            if row.status is None:
                key = (row.source, row.external_id)
                if key in seen:
                    row.error, row.status = f"Duplicate of row {seen[key]} in this batch.", "error"
                    row.rejected_early = True
                else:
                    seen[key] = row.index
            parsed.append(row)
        _sync_chunk_with_retry(ctx, parsed)
        results.extend(r.result() for r in parsed)
    return results


def _sync_chunk_with_retry(ctx: SyncContext, rows: list[Row], attempts: int = 4) -> None:
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                _sync_chunk(ctx, rows)
            return
        except OperationalError as exc:  # deadlock / serialization between concurrent batches
            if attempt == attempts - 1 or "deadlock" not in str(exc).lower():
                raise
            for row in rows:
                if not row.rejected_early:
                    row.status, row.call_id, row.error = None, None, None
            time.sleep(0.05 * (attempt + 1))


def _resolve(ctx: SyncContext, rows: list[Row]) -> None:
    """Leads, reps, dispositions and amounts for the live rows (a few queries per chunk)."""
    live = [r for r in rows if r.status is None]
    ids = {r.lead_id for r in live if r.lead_id}
    phones = {}
    for r in live:
        if r.lead_id is None:
            norm = _normalized(r.phone)
            if norm is None:
                r.error, r.status = f"“{r.phone}” is not a valid phone number.", "error"
            else:
                phones[r.index] = norm
    leads_qs = Lead.objects.filter(Q(pk__in=ids) | Q(phone__in=set(phones.values())))
    if not ctx.all_access:
        leads_qs = scope_by_user(leads_qs, ctx.actor, "owner")
    leads = list(leads_qs.only("id", "phone", "owner_id", "status"))
    by_id = {lead.pk: lead for lead in leads}
    by_phone = {lead.phone: lead for lead in leads}
    blocked = dnc.blocked_numbers([lead.phone for lead in leads])
    rep_ids = {r.rep_id for r in live if r.rep_id}
    allowed_reps = ctx.rep_allowed(rep_ids) if rep_ids else set()
    for r in live:
        if r.status:
            continue
        lead = by_id.get(r.lead_id) if r.lead_id else by_phone.get(phones[r.index])
        if lead is None:
            r.error = f"No lead with id {r.lead_id} that you may log on." if r.lead_id else \
                f"No lead with phone {phones[r.index]} that you may log on."
            r.status = "error"
            continue
        rep_id = r.rep_id or lead.owner_id
        if rep_id is None:
            r.error, r.status = "The lead has no owner: give rep_id.", "error"
            continue
        if r.rep_id and r.rep_id not in allowed_reps:
            r.error, r.status = f"Unknown rep {r.rep_id} (or not one you may log for).", "error"
            continue
        disposition = ctx.dispositions.get(r.values["disposition"])
        if disposition is None:
            r.error, r.status = f"Unknown disposition “{r.values['disposition']}”.", "error"
            continue
        try:
            premium, margin, quote = validate_amounts(
                disposition=disposition, premium=r.values["premium"], margin_rate=r.values["margin_rate"],
                quote_amount=r.values["quote_amount"],
            )
        except DomainError as exc:
            r.error, r.status = exc.message, "error"
            continue
        r.disposition = disposition
        r.lead_phone = lead.phone
        r.values.update(lead_id=lead.pk, rep_id=rep_id, disposition_id=disposition.pk, premium=premium,
                        margin_rate=margin, quote_amount=quote)
        r.values["_lead_blocked"] = lead.status == LeadStatus.DNC or lead.phone in blocked


def _same(existing: dict, values: dict) -> bool:
    return all(existing[c] == values[c] for c in COMPARED)


def _sync_chunk(ctx: SyncContext, rows: list[Row]) -> None:
    _resolve(ctx, rows)
    live = [r for r in rows if r.status is None]
    if not live:
        return
    keys = {(r.source, r.external_id) for r in live}
    existing = {
        (e["source"], e["external_id"]): e
        for e in Call.objects.filter(
            source__in={k[0] for k in keys}, external_id__in={k[1] for k in keys}
        ).values("id", "source", "external_id", *COMPARED)
    }
    to_write = []
    for r in live:
        old = existing.get((r.source, r.external_id))
        blocked = r.values.pop("_lead_blocked")
        if old is not None and _same(old, r.values):
            r.status, r.call_id = "unchanged", old["id"]
        elif old is None and blocked:
            r.error, r.status = "The lead is do-not-call: a new call on it is refused.", "error"
        else:
            to_write.append(r)
    if not to_write:
        return
    to_write.sort(key=lambda r: (r.source, r.external_id))  # one lock order for concurrent batches
    returned = _upsert(to_write, portable=ctx.portable)
    dirty, lead_ids, affected_ids = set(), set(), []
    for r in to_write:
        key = (r.source, r.external_id)
        old = existing.get(key)
        if key not in returned:  # a concurrent batch wrote the same values first
            r.status = "unchanged"
            r.call_id = old["id"] if old else Call.objects.filter(source=r.source, external_id=r.external_id) \
                .values_list("id", flat=True).first()
            continue
        call_id, inserted = returned[key]
        r.call_id = call_id
        r.status = "created" if (inserted if inserted is not None else old is None) else "updated"
        affected_ids.append(call_id)
        dirty.add((r.values["rep_id"], local_day(r.values["started_at"])))
        lead_ids.add(r.values["lead_id"])
        if old is not None:
            dirty.add((old["rep_id"], local_day(old["started_at"])))
            lead_ids.add(old["lead_id"])
    if not affected_ids:
        return
    _apply_consequences(ctx, [r for r in to_write if r.status in ("created", "updated")], affected_ids, lead_ids)
    mark_rep_days(dirty)


def _upsert(rows: list[Row], *, portable: bool = False) -> dict:
    """One INSERT … ON CONFLICT for the chunk; returns {(source, external_id): (id, inserted?)}
    (inserted? is None from the portable statement: the caller then goes by what it read)."""
    ops = connection.ops
    now = timezone.now()
    pg = connection.vendor == "postgresql" and not portable
    params = []
    for r in rows:
        v = r.values
        params.extend([
            v["lead_id"], v["rep_id"], v["channel"], ops.adapt_datetimefield_value(v["started_at"]),
            v["duration_seconds"], v["disposition_id"],
            ops.adapt_decimalfield_value(v["premium"], 14, 2), ops.adapt_decimalfield_value(v["margin_rate"], 6, 4),
            ops.adapt_decimalfield_value(v["quote_amount"], 14, 2), v["notes"], v["recording_url"],
            r.source, r.external_id, ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(now),
        ])
    if pg:
        # One array per column (UNNEST): PostgreSQL parses 15 parameters instead of 15 per row.
        types = ["bigint", "bigint", "varchar", "timestamptz", "integer", "bigint", "numeric", "numeric", "numeric",
                 "text", "varchar", "varchar", "varchar", "timestamptz", "timestamptz"]
        width = len(COLUMNS)
        params = [params[i::width] for i in range(width)]
        source_sql = "SELECT * FROM UNNEST(" + ", ".join(f"%s::{t}[]" for t in types) + ")"
        returning = "id, source, external_id, (xmax = 0)"
    else:
        row_sql = "(" + ",".join(["%s"] * len(COLUMNS)) + ")"
        source_sql = "VALUES " + ", ".join([row_sql] * len(rows))
        returning = "id, source, external_id"
    differs = " OR ".join(f"calls_call.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in COMPARED)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*COMPARED, "updated_at"])
    sql = (
        f"INSERT INTO calls_call ({', '.join(COLUMNS)}) {source_sql} "
        f"ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL "
        f"DO UPDATE SET {updates} WHERE {differs} RETURNING {returning}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        fetched = cur.fetchall()
    return {(f[1], f[2]): (f[0], f[3] if pg else None) for f in fetched}


def _apply_consequences(ctx: SyncContext, rows: list[Row], call_ids: list[int], lead_ids: set[int]) -> None:
    """Follow-ups, do-not-call, won status and the lead's call facts for the written rows."""
    ordered = sorted(lead_ids)
    # Lock the leads in id order so two batches touching the same leads never deadlock.
    list(Lead.objects.filter(pk__in=ordered).order_by("pk").select_for_update().values_list("pk", flat=True))
    now = timezone.now()
    # Reaching the customer completes the follow-ups that were open before the call.
    reached = sorted({r.values["lead_id"] for r in rows if r.disposition.reached})
    if reached:
        FollowUp.objects.filter(done_at__isnull=True, lead_id__in=reached).filter(
            Exists(Call.objects.filter(pk__in=call_ids, lead_id=OuterRef("lead_id"), disposition__reached=True,
                                       started_at__gt=OuterRef("created_at")))
        ).update(done_at=now)
    dnc_leads = sorted({r.values["lead_id"] for r in rows if r.disposition.dnc})
    if dnc_leads:
        Lead.objects.filter(pk__in=dnc_leads).update(status=LeadStatus.DNC, updated_at=now)
        FollowUp.objects.filter(lead_id__in=dnc_leads, done_at__isnull=True).update(done_at=now)
        for r in rows:
            if r.disposition.dnc:
                dnc.add_number(phone=r.lead_phone, actor=ctx.actor, reason=f"Dialer {r.source} {r.external_id}")
    sold = {}
    for r in rows:
        if r.disposition.sold:
            sold.setdefault(r.values["lead_id"], r)
    if sold:
        # Set-based won transition with its history row (the same record change_grade writes).
        winners = list(Lead.objects.filter(pk__in=sold, status=LeadStatus.ACTIVE).only("id", "grade", "owner_id"))
        GradeChange.objects.bulk_create([
            GradeChange(lead_id=lead.pk, from_grade=lead.grade, to_grade=lead.grade, to_status=LeadStatus.WON,
                        changed_by=ctx.actor, owner_id=lead.owner_id, call_id=sold[lead.pk].call_id,
                        changed_at=sold[lead.pk].values["started_at"])
            for lead in winners
        ])
        Lead.objects.filter(pk__in=[w.pk for w in winners]).update(status=LeadStatus.WON, grade_changed_at=now,
                                                                   updated_at=now)
    refresh_lead_call_facts(ordered)
