"""Idempotent batch sync of call records from dialers (and CDR imports).

Each row carries `source` + `external_id`. A row equal to what is stored is `unchanged` and
costs no write; a new or changed row goes through one `INSERT … ON CONFLICT DO UPDATE … WHERE
<something differs>` per chunk, so the unique constraint — the database — decides between two
clients sending the same record at the same moment. A key updates only a call the caller could
have created (its own; its teams' reps'; any for admins and integrations): anything else is a
per-row `conflict` that says nothing about the other call, and the upsert carries the same rule,
so a key taken meanwhile is not overwritten either. Every row is checked (calls/sync_rows.py)
before anything is written: a bad row gets its own error and never blocks the good ones. Work
is done in chunks of CHUNK rows, each in its own transaction, so memory and lock time stay
bounded whatever the batch size."""

import re
import time
from collections import namedtuple

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import scope_by_user, sees_everything, visible_users
from accounts.models import User
from calls.lead_facts import add_calls_to_lead_facts, refresh_lead_call_facts
from calls.models import Call, Disposition, FollowUp
from calls.services import mark_rep_days, validate_amounts
from calls.sync_rows import Row, parse_row
from calls.sync_unchanged import row_digest, unchanged_rows
from calls.sync_write import COMPARED, upsert
from leads.grading import win_leads
from leads.models import DoNotCallNumber, Lead, LeadStatus
from leads.phones import normalize_phone
from leads.selectors import do_not_call_numbers
from leads.services import add_do_not_call
from telesales import events
from telesales.days import local_day
from telesales.errors import DomainError

MAX_BATCH = 5000
CHUNK = 1000
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Says nothing about the call that holds the key: not whose it is, nor its lead.
KEY_TAKEN = "This source and external_id belong to a call you may not change; use another external_id."


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
        # PostgreSQL: lock the leads while resolving them, then one statement writes the calls and
        # their consequences (calls/sync_write.py). `locked`: the leads this chunk holds.
        self.one_statement = connection.vendor == "postgresql" and not portable
        self.locked: set[int] = set()

    def rep_allowed(self, rep_ids: set[int]) -> set[int]:
        missing = {r for r in rep_ids if r not in self._reps}
        if missing:
            qs = User.objects.filter(pk__in=missing, is_active=True) if self.all_access else \
                visible_users(self.actor).filter(pk__in=missing, is_active=True)
            found = set(qs.values_list("pk", flat=True))
            self._reps.update({r: r in found for r in missing})
        return {r for r in rep_ids if self._reps[r]}

    def writable_calls(self, calls: dict) -> set[int]:
        """Ids of the stored calls the actor could have created: their reps are visible to it."""
        rep_ids = {c["rep_id"] for c in calls.values()}
        if not self.all_access:
            rep_ids = set(visible_users(self.actor).filter(pk__in=rep_ids).values_list("pk", flat=True))
        return {c["id"] for c in calls.values() if c["rep_id"] in rep_ids}

    def update_guard(self) -> tuple[str, list]:
        """The same rule for the upsert, so a key another user takes meanwhile is never overwritten."""
        if self.all_access:
            return "", []
        sql, params = visible_users(self.actor).order_by().values("pk").query.sql_with_params()
        return f" AND calls_call.rep_id IN ({sql})", list(params)


def sync_calls(*, actor: User, rows: list, source_default: str | None = None, portable: bool = False) -> list[dict]:
    """Upsert call records; one result per row in input order.

    Every row is checked before anything is written, so a bad row (at any position) is its own
    error and the good rows are written exactly once. `portable` writes with the statement SQLite
    also runs, even on PostgreSQL (tests run both and compare them)."""
    if len(rows) > MAX_BATCH:
        raise DomainError(f"A batch holds at most {MAX_BATCH} calls; split it.")
    rows = [{**raw, "source": source_default} if source_default and isinstance(raw, dict) and not raw.get("source")
            else raw for raw in rows]
    digests = [row_digest(raw) if isinstance(raw, dict) else None for raw in rows]
    ctx = SyncContext(actor, portable=portable)
    # Re-sent rows are recognised in one statement; the PostgreSQL path only (the portable one reads every row).
    known, absent = unchanged_rows(ctx, rows, digests) if connection.vendor == "postgresql" and not portable \
        else ({}, set())
    parsed = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(rows):
        if index in known:
            row = Row(index=index, source=raw["source"], external_id=raw["external_id"], status="unchanged",
                      call_id=known[index], rejected_early=True)
        else:
            row = parse_row(index, raw)
            row.digest, row.known_new = digests[index], index in absent
        if row.status is None or index in known:
            key = (row.source, row.external_id)
            if key in seen:
                row.fail(f"Duplicate of row {seen[key]} in this batch.")
                row.call_id, row.rejected_early = None, True
            else:
                seen[key] = row.index
        parsed.append(row)
    for start in range(0, len(parsed), CHUNK):
        _sync_chunk_with_retry(ctx, parsed[start:start + CHUNK])
    return [r.result() for r in parsed]


def _sync_chunk_with_retry(ctx: SyncContext, rows: list[Row], attempts: int = 4) -> None:
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                _sync_chunk(ctx, rows)
            return
        except OperationalError as exc:  # deadlock / serialization between concurrent batches
            if "deadlock" not in str(exc).lower():
                raise
            for row in rows:
                if not row.rejected_early:
                    row.status, row.call_id, row.error, row.code = None, None, None, None
            if attempt < attempts - 1:
                time.sleep(0.05 * (attempt + 1))
    for row in rows:  # still deadlocked: nothing of this chunk was written; the client sends it again
        if not row.rejected_early:
            row.fail("The records were busy; send this row again.", "busy")


_Lead = namedtuple("_Lead", "pk phone owner_id status listed")


def _leads(ctx: SyncContext, ids: set[int], phones: set[str]) -> tuple[list[_Lead], set[str]]:
    """The leads the rows name that the actor may log on, and which of their numbers are do-not-call."""
    leads_qs = Lead.objects.filter(Q(pk__in=ids) | Q(phone__in=phones))
    if not ctx.all_access:
        leads_qs = scope_by_user(leads_qs, ctx.actor, "owner")
    if not ctx.one_statement:
        leads = [_Lead(*v, False) for v in leads_qs.values_list("id", "phone", "owner_id", "status")]
        return leads, do_not_call_numbers([lead.phone for lead in leads])
    # The leads are locked here, in id order (so two batches never deadlock on them), and their
    # do-not-call listing read with them: the write then needs one statement.
    leads_qs = leads_qs.annotate(listed=Exists(DoNotCallNumber.objects.filter(phone=OuterRef("phone")))) \
        .select_for_update(no_key=True, of=("self",)).order_by("pk")
    leads = [_Lead(*v) for v in leads_qs.values_list("id", "phone", "owner_id", "status", "listed")]
    ctx.locked = {lead.pk for lead in leads}
    return leads, {lead.phone for lead in leads if lead.listed}


def _resolve(ctx: SyncContext, rows: list[Row]) -> None:
    """Leads, reps, dispositions and amounts for the live rows (a few queries per chunk)."""
    live = [r for r in rows if r.status is None]
    ids = {r.lead_id for r in live if r.lead_id}
    phones = {}
    for r in live:
        if r.lead_id is None:
            norm = _normalized(r.phone)
            if norm is None:
                r.fail(f"“{r.phone}” is not a valid phone number.")
            else:
                phones[r.index] = norm
    leads, blocked = _leads(ctx, ids, set(phones.values()))
    by_id = {lead.pk: lead for lead in leads}
    by_phone = {lead.phone: lead for lead in leads}
    rep_ids = {r.rep_id for r in live if r.rep_id}
    allowed_reps = ctx.rep_allowed(rep_ids) if rep_ids else set()
    for r in live:
        if r.status:
            continue
        lead = by_id.get(r.lead_id) if r.lead_id else by_phone.get(phones[r.index])
        if lead is None:
            r.fail(f"No lead with id {r.lead_id} that you may log on." if r.lead_id else
                   f"No lead with phone {phones[r.index]} that you may log on.")
            continue
        rep_id = r.rep_id or lead.owner_id
        if rep_id is None:
            r.fail("The lead has no owner: give rep_id.")
            continue
        if r.rep_id and r.rep_id not in allowed_reps:
            r.fail(f"Unknown rep {r.rep_id} (or not one you may log for).")
            continue
        disposition = ctx.dispositions.get(r.values["disposition"])
        if disposition is None:
            r.fail(gettext("Unknown disposition “%(code)s”; the codes are: %(codes)s.") % {
                "code": r.values["disposition"], "codes": ", ".join(ctx.dispositions)})
            continue
        try:
            premium, margin, quote = validate_amounts(
                disposition=disposition, premium=r.values["premium"], margin_rate=r.values["margin_rate"],
                quote_amount=r.values["quote_amount"],
            )
        except DomainError as exc:
            r.fail(exc.message)
            continue
        r.disposition = disposition
        r.lead_phone = lead.phone
        r.values.update(lead_id=lead.pk, rep_id=rep_id, disposition_id=disposition.pk, premium=premium,
                        margin_rate=margin, quote_amount=quote)
        r.values["_lead_blocked"] = lead.status == LeadStatus.DNC or lead.phone in blocked


def _same(existing: dict, values: dict) -> bool:
    return all(existing[c] == values[c] for c in COMPARED)


def _stored(keys: set[tuple[str, str]]) -> dict:
    """The stored calls with these keys, whoever they belong to."""
    return {
        (e["source"], e["external_id"]): e
        for e in Call.objects.filter(
            source__in={k[0] for k in keys}, external_id__in={k[1] for k in keys}
        ).values("id", "source", "external_id", *COMPARED)
    }


def _sync_chunk(ctx: SyncContext, rows: list[Row]) -> None:
    _resolve(ctx, rows)
    live = [r for r in rows if r.status is None]
    if not live:
        return
    keys = {(r.source, r.external_id) for r in live if not r.known_new}
    existing = _stored(keys) if keys else {}
    writable = ctx.writable_calls(existing) if existing else set()
    to_write = []
    for r in live:
        old = existing.get((r.source, r.external_id))
        blocked = r.values.pop("_lead_blocked")
        if old is not None and old["id"] not in writable:
            r.fail(KEY_TAKEN, "conflict")
        elif old is not None and _same(old, r.values):
            r.status, r.call_id = "unchanged", old["id"]
        elif old is None and blocked:
            r.fail("The lead is do-not-call: a new call on it is refused.", "do_not_call")
        else:
            to_write.append(r)
    if not to_write:
        return
    to_write.sort(key=lambda r: (r.source, r.external_id))  # one lock order for concurrent batches
    returned, applied = upsert(to_write, ctx.update_guard(), portable=ctx.portable)
    missing = {(r.source, r.external_id) for r in to_write} - returned.keys()
    missed = _stored(missing) if missing else {}
    writable |= ctx.writable_calls(missed) if missed else set()
    dirty, lead_ids, affected_ids, recompute = set(), set(), [], set()
    for r in to_write:
        key = (r.source, r.external_id)
        old = existing.get(key)
        if key not in returned:  # a concurrent batch wrote the key first: the same values, or someone else's
            if missed[key]["id"] in writable:
                r.status, r.call_id = "unchanged", missed[key]["id"]
            else:
                r.fail(KEY_TAKEN, "conflict")
            continue
        call_id, inserted = returned[key]
        r.call_id = call_id
        r.status = "created" if (inserted if inserted is not None else old is None) else "updated"
        affected_ids.append(call_id)
        dirty.add((r.values["rep_id"], local_day(r.values["started_at"])))
        lead_ids.add(r.values["lead_id"])
        if r.status == "updated":  # an edited call: its old values leave the facts, so they are recomputed
            recompute.add(r.values["lead_id"])
        if old is not None:
            dirty.add((old["rep_id"], local_day(old["started_at"])))
            lead_ids.add(old["lead_id"])
            recompute.add(old["lead_id"])
    if not affected_ids:
        return
    _apply_consequences(ctx, [r for r in to_write if r.status in ("created", "updated")], affected_ids, lead_ids,
                        recompute, applied=applied)
    if applied:  # the statement marked the written calls' days; an edited call's old day is left
        dirty = {(old["rep_id"], local_day(old["started_at"])) for old in existing.values()
                 if (old["source"], old["external_id"]) in returned}
    mark_rep_days(dirty)


def _apply_consequences(ctx: SyncContext, rows: list[Row], call_ids: list[int], lead_ids: set[int],
                        recompute: set[int], *, applied: bool = False) -> None:
    """Follow-ups, do-not-call, won status and the lead's call facts for the written rows: new calls
    are folded into the stored facts; leads with an edited call (`recompute`) are recomputed.
    `applied`: the write statement already completed the follow-ups and folded the new calls."""
    ordered = sorted(set(lead_ids) - ctx.locked)
    if ordered:  # lock the leads in id order so two batches touching the same leads never deadlock
        list(Lead.objects.filter(pk__in=ordered).order_by("pk").select_for_update().values_list("pk", flat=True))
    now = timezone.now()
    # Reaching the customer completes the follow-ups that were open before the call.
    reached = sorted({r.values["lead_id"] for r in rows if r.disposition.reached})
    if reached and not applied:
        FollowUp.objects.filter(done_at__isnull=True, lead_id__in=reached).filter(
            Exists(Call.objects.filter(pk__in=call_ids, lead_id=OuterRef("lead_id"), disposition__reached=True,
                                       started_at__gt=OuterRef("created_at")))
        ).update(done_at=now)
    dnc_leads = sorted({r.values["lead_id"] for r in rows if r.disposition.dnc})
    if dnc_leads:
        # Every open follow-up of these leads is done now: none is next.
        Lead.objects.filter(pk__in=dnc_leads).update(status=LeadStatus.DNC, updated_at=now, next_follow_up_at=None)
        FollowUp.objects.filter(lead_id__in=dnc_leads, done_at__isnull=True).update(done_at=now)
        for r in rows:
            if r.disposition.dnc:
                add_do_not_call(phone=r.lead_phone, actor=ctx.actor, reason=f"Dialer {r.source} {r.external_id}")
    # The earliest sale in the batch wins the lead, through the grading service (its history row).
    sales: dict[int, tuple[int, object]] = {}
    for r in sorted((r for r in rows if r.disposition.sold), key=lambda r: (r.values["started_at"], r.call_id)):
        sales.setdefault(r.values["lead_id"], (r.call_id, r.values["started_at"]))
    if sales:
        win_leads(actor=ctx.actor, sales=sales)
    if not applied:
        new = [r for r in rows if r.status == "created" and r.values["lead_id"] not in recompute]
        add_calls_to_lead_facts([r.call_id for r in new], lead_ids={r.values["lead_id"] for r in new},
                                portable=ctx.portable)
    refresh_lead_call_facts(recompute)
    events.publish("call.synced", call_ids, actor=ctx.actor)
    events.publish("sale.won", [r.call_id for r in rows if r.disposition.sold], actor=ctx.actor)
