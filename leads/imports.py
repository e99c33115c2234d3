"""Lead import from CSV or Excel (.xlsx): column mapping, per-row validation, collision checks
against the database and inside the file, set-based inserts, a per-row report.

A bad row never blocks the good ones; each chunk of good rows lands in one statement (with a
per-row fallback if another writer took a number in the meantime). A chunk lands whole or not at
all, together with the job's progress and heartbeat, so a job that stops (an error, a time limit,
a worker that died: leads/import_jobs.py) says exactly which rows were imported."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.access import can_manage_user, can_work_pool
from accounts.models import User
from leads import import_jobs
from leads.import_table import (  # noqa: F401 (report_rows re-exported)
    FIELDS,
    REPORT_COLUMNS,
    report_rows,
    resolve_mapping,
)
from leads.models import (
    GRADE_ORDER,
    ImportJob,
    ImportStatus,
    Lead,
    OwnershipEvent,
    OwnershipReason,
    Pool,
)
from leads.phones import normalize_phone
from leads.selectors import (
    can_import,
    do_not_call_numbers,
    held_counts,
    holder_text,
    readable_leads,
    rules_for,
)
from leads.services import attribute_specs, clean_attributes, collision_answers, import_attribute_columns
from leads.services.attributes import stored
from leads.services.common import _room
from telesales.errors import DomainError, NotFound, PermissionDenied
from telesales.exports import safe_rows

__all__ = ["FIELDS", "import_rows", "run_import", "start_import"]
CHUNK = 5000
MAX_BYTES = 60 * 1024 * 1024
logger = logging.getLogger(__name__)


# ---- starting a job ------------------------------------------------------------------------
def start_import(
    *,
    actor: User,
    upload: UploadedFile,
    pool_id: int | None = None,
    owner_id: int | None = None,
    source: str = "",
    mapping: dict | None = None,
) -> ImportJob:
    """Store the file and create the job; the caller queues `leads.tasks.run_import_task` for it
    (after commit). Returns the job to poll."""
    if not can_import(actor):
        raise PermissionDenied("Only managers and admins can import leads.")
    name = os.path.basename(upload.name or "upload")
    ext = os.path.splitext(name)[1].lower()
    if ext not in (".csv", ".xlsx"):
        raise DomainError("Upload a .csv or .xlsx file.")
    if upload.size and upload.size > MAX_BYTES:
        raise DomainError("The file is larger than 60 MB; split it into parts.")
    pool = None
    if pool_id is not None:
        pool = Pool.objects.filter(pk=pool_id).first()
        if pool is None or not can_work_pool(actor, pool):
            raise NotFound("Pool not found.")
    owner = None
    if owner_id is not None:
        owner = User.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None or not can_manage_user(actor, owner):
            raise PermissionDenied("You can only import into the private pool of an active rep you manage.")
    if pool is None and owner is None:
        raise DomainError("Choose a public pool or a rep to import into.")
    job = ImportJob(created_by=actor, original_name=name[:255], pool=pool, owner=owner, source=source[:100],
                    mapping=mapping or {})
    job.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{actor.pk}{ext}", upload, save=False)
    job.save()
    return job


# ---- running -------------------------------------------------------------------------------
def run_import(*, job_id: int) -> ImportJob | None:
    """Process an import job. Safe to run twice: only a pending job is started. A failure keeps
    the chunks already imported and the job says which (import_jobs.stopped_message)."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now())
    if not started:
        return ImportJob.objects.filter(pk=job_id).first()
    job = ImportJob.objects.select_related("pool", "owner", "created_by").get(pk=job_id)
    try:
        header, rows = import_jobs.read_file(job)
        cols = resolve_mapping(header, job.mapping)
        # Columns that map to no lead field are kept as attributes (new text ones defined).
        attrs, kept = import_attribute_columns(actor=job.created_by, header=header, used=set(cols.values()),
                                               rows=rows, note=f"import #{job.pk}")
        ImportJob.objects.filter(pk=job.pk).update(attribute_columns=kept)
        import_rows(job, rows, cols, attrs=attrs)
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the job and logged
        if isinstance(exc, DomainError):
            logger.warning("import job %s refused: %s", job.pk, exc.message, exc_info=exc.__cause__ is not None)
            import_jobs.fail(job.pk, exc.message, refused=True)
        else:
            logger.exception("import job %s failed", job.pk)
            import_jobs.fail(job.pk, import_jobs.failure_reason(exc))
    job.refresh_from_db()
    return job


def _collision_rows(job: ImportJob, collided: list[tuple[int, str]]) -> list[tuple]:
    """Report rows for numbers that already exist, under the policy of the collision 409: the
    holder of a lead the importer may read is named freely; any other holder is named only while
    the importer's hourly collision budget lasts (each one counts, and is logged), then the row
    says “already exists” and names nobody."""
    actor = job.created_by
    phones = [phone for _, phone in collided]
    holders = {lead.phone: lead for lead in Lead.objects.select_related("owner", "pool").filter(phone__in=phones)}
    readable = set(readable_leads(actor).filter(phone__in=phones).values_list("phone", flat=True))
    hidden = [phone for phone in phones if phone in holders and phone not in readable]
    budget = 0
    if hidden:
        budget, _ = collision_answers(actor, len(hidden))
        logger.warning("collision answers in import job=%s user=%s named=%s withheld=%s",
                       job.pk, actor.pk, budget, len(hidden) - budget)
    named = readable | set(hidden[:budget])
    out = []
    for rowno, phone in collided:
        lead = holders.get(phone)
        # The matched lead's id only where the importer may open it.
        lead_id = lead.pk if lead is not None and phone in readable else ""
        if lead is None or phone not in named:
            out.append((rowno, "collision", "already exists", "", lead_id))
        else:
            out.append((rowno, "collision", f"already exists: {holder_text(lead)}",
                        lead.owner.display_name if lead.owner_id else "", lead_id))
    return out


def import_rows(job: ImportJob, rows: list[list[str]], cols: dict[str, int], *, portable: bool = False,
                attrs: Sequence[tuple[int, str]] = ()) -> None:
    """Validate, check collisions and insert, chunk by chunk, updating the job's progress.
    `attrs` are the (column, attribute key) pairs to keep as attributes. `portable` inserts
    through the ORM even on PostgreSQL (tests run both paths and compare them)."""
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
    tally = _Tally()
    read = _RowReader(cols=cols, attrs=attrs, specs=attribute_specs(), source=job.source)
    seen: dict[str, int] = {}  # number → the row it first stood in
    room = _owner_room(job)
    for start in range(0, len(rows), CHUNK):
        good = _read_chunk(rows[start:start + CHUNK], start + 2, read, seen, tally)  # the header is row 1
        to_insert, collided, room = _sort_out(good, job, room, tally)
        with transaction.atomic():  # the chunk's leads, their audit rows and the progress: all or none
            collided += _insert_and_count(to_insert, job, tally, portable=portable)
            tally.report += _collision_rows(job, collided)
            tally.collisions += len(collided)
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=min(start + CHUNK, len(rows)),
                                                       heartbeat_at=timezone.now(), **tally.counts())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(safe_rows(tally.rows()))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, report=out.getvalue(),
                                               finished_at=timezone.now(), processed_rows=len(rows), **tally.counts())


@dataclass
class _Tally:
    """The per-row report (row, result, reason, current owner) and the job's counts so far."""

    report: list[tuple] = field(default_factory=list)  # (row, result, reason, current owner, lead id)
    created: int = 0
    collisions: int = 0
    errors: int = 0
    duplicates: dict[int, int] = field(default_factory=dict)  # row → the earlier row with its number

    def error(self, rowno: int, reason: str, result: str = "error") -> None:
        self.report.append((rowno, result, reason, "", ""))
        self.errors += 1

    def rows(self) -> list[tuple]:
        """The report in row order; a duplicate row carries the lead of the row it repeats."""
        lead_of = {entry[0]: entry[4] for entry in self.report}
        return [(*entry[:4], lead_of.get(self.duplicates[entry[0]], "")) if entry[0] in self.duplicates else entry
                for entry in sorted(self.report)]

    def counts(self) -> dict[str, int]:
        return {"created_count": self.created, "collision_count": self.collisions, "error_count": self.errors}


@dataclass(frozen=True)
class _RowReader:
    """Reads one row of the file through the column mapping into a _Row; a DomainError says
    what is wrong with it (the first problem: name, numbers, grade, attributes)."""

    cols: dict[str, int]
    attrs: Sequence[tuple[int, str]]
    specs: dict
    source: str

    def get(self, row: list[str], lead_field: str) -> str:
        i = self.cols.get(lead_field)
        return row[i] if i is not None and i < len(row) else ""

    def __call__(self, row: list[str]) -> _Row:
        name = self.get(row, "name")[:100]
        if not name:
            raise DomainError("name is empty")
        phone = normalize_phone(self.get(row, "phone"))
        raw2 = self.get(row, "phone2")
        phone2 = normalize_phone(raw2) if raw2 else ""
        grade = (self.get(row, "grade") or "E").upper()
        if grade not in GRADE_ORDER:
            raise DomainError(f"grade “{grade}” is not one of E, D, C, B, A")
        values = {key: row[i] for i, key in self.attrs if i < len(row) and row[i]}
        attributes = stored(clean_attributes(values, specs=self.specs))
        tags = [t.strip() for t in self.get(row, "tags").replace("，", ",").split(",") if t.strip()][:20]
        return _Row(
            name=name, phone=phone, phone2=phone2, company=self.get(row, "company")[:200],
            region=self.get(row, "region")[:100], source=(self.get(row, "source") or self.source)[:100], tags=tags,
            product_interest=self.get(row, "product_interest")[:200], grade=grade, attributes=attributes,
        )


def _owner_room(job: ImportJob) -> int | None:
    """How many more leads the rep of a private-pool import may hold; None for a public pool."""
    if job.owner is None:
        return None
    return _room(held_counts([job.owner.pk])[job.owner.pk], rules_for(job.pool))


def _read_chunk(part: list[list[str]], first_rowno: int, read: _RowReader, seen: dict[str, int],
                tally: _Tally) -> list[tuple[int, _Row]]:
    """The chunk's rows that read cleanly with a number not seen earlier in the file; the
    others go into the report."""
    good: list[tuple[int, _Row]] = []
    for rowno, row in enumerate(part, start=first_rowno):
        try:
            lead = read(row)
        except DomainError as exc:
            tally.error(rowno, exc.message)
            continue
        if lead.phone in seen:
            tally.report.append((rowno, "duplicate_in_file", f"same number as row {seen[lead.phone]}", "", ""))
            tally.duplicates[rowno] = seen[lead.phone]
            tally.collisions += 1
            continue
        seen[lead.phone] = rowno
        good.append((rowno, lead))
    return good


def _sort_out(good: list[tuple[int, _Row]], job: ImportJob, room: int | None,
              tally: _Tally) -> tuple[list[tuple[int, _Row]], list[tuple[int, str]], int | None]:
    """Split good rows into those to insert and those whose number exists (row, number);
    numbers on the do-not-call list and rows past the owner's room go into the report. Returns
    the room left too."""
    phones = [lead.phone for _, lead in good]
    existing = set(Lead.objects.filter(phone__in=phones).values_list("phone", flat=True))
    dnc = do_not_call_numbers(phones)
    to_insert: list[tuple[int, _Row]] = []
    collided: list[tuple[int, str]] = []
    for rowno, lead in good:
        if lead.phone in existing:
            collided.append((rowno, lead.phone))
        elif lead.phone in dnc:
            tally.error(rowno, "number is on the do-not-call list", result="do_not_call")
        elif room is not None and room <= 0:
            tally.error(rowno, f"{job.owner.display_name} holds the most leads allowed")
        else:
            if room is not None:
                room -= 1
            to_insert.append((rowno, lead))
    return to_insert, collided, room


def _insert_and_count(to_insert: list[tuple[int, _Row]], job: ImportJob, tally: _Tally, *,
                      portable: bool) -> list[tuple[int, str]]:
    """Insert the rows and report each one created; returns those (row, number) whose number
    another writer took since the check."""
    inserted = _insert(to_insert, job, portable=portable)
    lost: list[tuple[int, str]] = []
    for rowno, lead in to_insert:
        if lead.pk in inserted:
            tally.report.append((rowno, "created", "", job.owner.display_name if job.owner else "", lead.pk))
            tally.created += 1
        else:
            lost.append((rowno, lead.phone))
    return lost


@dataclass(slots=True)
class _Row:
    """A validated import row (lighter than a model instance for 100,000 rows)."""

    name: str
    phone: str
    phone2: str
    company: str
    region: str
    source: str
    tags: list
    product_interest: str
    grade: str
    attributes: dict
    pk: int | None = None


def _insert(rows: list[tuple[int, _Row]], job: ImportJob, *, portable: bool = False) -> set:
    """Insert leads and their audit rows; returns the pks that landed. A number someone else
    inserted meanwhile is skipped by the database, never duplicated."""
    if not rows:
        return set()
    if connection.vendor == "postgresql" and not portable:
        return _insert_pg([lead for _, lead in rows], job)
    return _insert_orm([lead for _, lead in rows], job)


def _insert_pg(leads: list[_Row], job: ImportJob) -> set:
    """One statement per chunk: INSERT ... ON CONFLICT (phone) DO NOTHING RETURNING, with the
    audit rows inserted from the returned ids in the same statement."""
    now = timezone.now()
    lead_table, event_table = Lead._meta.db_table, OwnershipEvent._meta.db_table
    sql = f"""
    WITH src AS (
        SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                             %s::text[], %s::text[], %s::text[])
            AS t(name, phone, phone2, company, region, source, tags, product_interest, grade, attributes)
    ), ins AS (
        INSERT INTO {lead_table} (name, phone, phone2, company, region, source, tags, product_interest, grade, status,
            attributes, import_job_id, owner_id, pool_id, claimed_at, locked, unanswered_attempts, has_open_quote,
            created_by_id, created_at, updated_at)
        SELECT name, phone, phone2, company, region, source, tags::jsonb, product_interest, grade, 'active',
            attributes::jsonb, %s, %s, %s, %s, false, 0, false, %s, %s, %s
        FROM src
        ON CONFLICT (phone) DO NOTHING
        RETURNING id, phone
    ), ev AS (
        INSERT INTO {event_table} (lead_id, from_owner_id, to_owner_id, actor_id, reason, note, at)
        SELECT id, NULL, %s, %s, 'import', %s, %s FROM ins
    )
    SELECT id, phone FROM ins
    """
    params = [
        [lead.name for lead in leads], [lead.phone for lead in leads], [lead.phone2 for lead in leads],
        [lead.company for lead in leads], [lead.region for lead in leads], [lead.source for lead in leads],
        [json.dumps(lead.tags, ensure_ascii=False) for lead in leads], [lead.product_interest for lead in leads],
        [lead.grade for lead in leads], [json.dumps(lead.attributes, ensure_ascii=False) for lead in leads],
        job.pk, job.owner_id, job.pool_id, now if job.owner_id else None, job.created_by_id, now, now,
        job.owner_id, job.created_by_id, f"import #{job.pk}", now,
    ]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
        ids = dict((phone, pk) for pk, phone in cur.fetchall())
    for lead in leads:
        lead.pk = ids.get(lead.phone)
    return set(ids.values())


def _insert_orm(rows: list[_Row], job: ImportJob) -> set:
    actor_id = job.created_by_id
    to_owner = job.owner_id
    claimed = timezone.now() if to_owner else None
    leads = [
        Lead(name=r.name, phone=r.phone, phone2=r.phone2, company=r.company, region=r.region, source=r.source,
             tags=r.tags, product_interest=r.product_interest, grade=r.grade, attributes=r.attributes,
             import_job_id=job.pk, pool_id=job.pool_id,
             owner_id=to_owner, claimed_at=claimed, created_by_id=actor_id)
        for r in rows
    ]
    try:
        with transaction.atomic():
            Lead.objects.bulk_create(leads, batch_size=CHUNK)
            OwnershipEvent.objects.bulk_create(
                [OwnershipEvent(lead_id=lead.pk, to_owner_id=to_owner, actor_id=actor_id, reason=OwnershipReason.IMPORT,
                                note=f"import #{job.pk}") for lead in leads],
                batch_size=CHUNK,
            )
        for row, lead in zip(rows, leads, strict=True):
            row.pk = lead.pk
        return {lead.pk for lead in leads}
    except IntegrityError:
        for lead in leads:
            lead.pk = None
    landed = set()
    for lead in leads:
        try:
            with transaction.atomic():
                lead.save(force_insert=True)
                OwnershipEvent.objects.create(lead=lead, to_owner_id=to_owner, actor_id=actor_id,
                                              reason=OwnershipReason.IMPORT, note=f"import #{job.pk}")
            landed.add(lead.pk)
        except IntegrityError:
            lead.pk = None
    for row, lead in zip(rows, leads, strict=True):
        row.pk = lead.pk
    return landed
