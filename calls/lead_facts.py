"""The lead's call facts: fields on the lead that summarise its calls and open follow-ups.

last_contacted_at, last_real_contact_at (reached, or at least as long as the pool's
real_contact_min_seconds), unanswered_attempts (phone attempts since the last reach),
has_open_quote (the latest quote/sale/refusal is a quote), next_follow_up_at (earliest open
follow-up), and two marks that make the update incremental: last_reached_at (the last reach)
and last_quote_event_at (the last quote, sale or refusal).

`refresh_lead_call_facts` recomputes them from all calls of the leads (for edited or deleted
calls); `add_calls_to_lead_facts` folds newly inserted calls into the stored facts, reading only
the new calls (and, when a late reach moves the last reach back, the lead's calls after it), so
a dialer batch costs O(rows in the batch), not O(history of the touched leads)."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Min

from calls.models import Call, Channel, FollowUp
from leads.models import Lead

# A call this long counts as real contact even when the disposition does not say "reached".
REAL_CONTACT_SECONDS = 60
FACT_FIELDS = ["last_contacted_at", "last_real_contact_at", "unanswered_attempts", "has_open_quote",
               "next_follow_up_at", "last_reached_at", "last_quote_event_at"]


def refresh_lead_call_facts(lead_ids: Iterable[int]) -> None:
    """Recompute each lead's call facts from all its calls and open follow-ups (set-based).

    One statement per 1,000 leads, so the fields never drift from the records."""
    ids = sorted({int(i) for i in lead_ids if i})
    for chunk_start in range(0, len(ids), 1000):
        chunk = ids[chunk_start:chunk_start + 1000]
        marks = ",".join(["%s"] * len(chunk))
        sql = f"""
        UPDATE leads_lead SET
          last_contacted_at = f.last_contact, last_real_contact_at = f.last_real,
          unanswered_attempts = COALESCE(f.unanswered, 0),
          has_open_quote = CASE WHEN f.last_quote IS NOT NULL AND f.last_quote >= f.last_quote_event
                                THEN TRUE ELSE FALSE END,
          next_follow_up_at = f.next_due, last_reached_at = f.last_reach, last_quote_event_at = f.last_quote_event
        FROM (
          SELECT l.id AS lead_id, a.last_contact, a.last_real, a.unanswered, a.last_quote, a.last_quote_event,
                 a.last_reach, fu.next_due
          FROM leads_lead l
          LEFT JOIN (
            SELECT c.lead_id, MAX(c.started_at) AS last_contact, MAX(c.last_reach) AS last_reach,
                   MAX(CASE WHEN c.reached OR c.duration_seconds >= c.threshold THEN c.started_at END) AS last_real,
                   SUM(CASE WHEN c.channel = 'phone' AND NOT c.reached
                             AND (c.last_reach IS NULL OR c.started_at > c.last_reach) THEN 1 ELSE 0 END) AS unanswered,
                   MAX(CASE WHEN c.quoted AND NOT c.sold AND NOT c.refused THEN c.started_at END) AS last_quote,
                   MAX(CASE WHEN c.quoted OR c.sold OR c.refused THEN c.started_at END) AS last_quote_event
            FROM (
              SELECT c.lead_id, c.started_at, c.channel, c.duration_seconds, d.reached, d.quoted, d.sold, d.refused,
                     COALESCE(p.real_contact_min_seconds, {REAL_CONTACT_SECONDS}) AS threshold,
                     MAX(CASE WHEN d.reached THEN c.started_at END) OVER (PARTITION BY c.lead_id) AS last_reach
              FROM calls_call c
              JOIN calls_disposition d ON d.id = c.disposition_id
              JOIN leads_lead l ON l.id = c.lead_id
              LEFT JOIN leads_pool p ON p.id = l.pool_id
              WHERE c.lead_id IN ({marks})
            ) c GROUP BY c.lead_id
          ) a ON a.lead_id = l.id
          LEFT JOIN (
            SELECT lead_id, MIN(due_at) AS next_due FROM calls_followup
            WHERE done_at IS NULL AND lead_id IN ({marks}) GROUP BY lead_id
          ) fu ON fu.lead_id = l.id
          WHERE l.id IN ({marks})
        ) f
        WHERE leads_lead.id = f.lead_id
        """
        with connection.cursor() as cur:
            cur.execute(sql, [*chunk, *chunk, *chunk])


# One statement: the batch's calls with their flags (n), folded per lead (a),
# then one UPDATE; only a lead whose last reach moves back in time counts its calls after it.
_ADD_SQL = f"""
WITH n AS (
  SELECT c.lead_id, c.started_at, c.channel = 'phone' AND NOT d.reached AS unanswered, d.reached,
         d.quoted OR d.sold OR d.refused AS quote_event, d.quoted AND NOT d.sold AND NOT d.refused AS open_quote,
         d.reached OR c.duration_seconds >= COALESCE(p.real_contact_min_seconds, {REAL_CONTACT_SECONDS}) AS real,
         GREATEST(l.last_reached_at, MAX(c.started_at) FILTER (WHERE d.reached) OVER (PARTITION BY c.lead_id)) AS reach
  FROM calls_call c
  JOIN calls_disposition d ON d.id = c.disposition_id
  JOIN leads_lead l ON l.id = c.lead_id
  LEFT JOIN leads_pool p ON p.id = l.pool_id
  WHERE c.id = ANY(%(calls)s) AND l.id = ANY(%(leads)s)
), a AS (
  SELECT lead_id, MAX(started_at) AS last_contact, MAX(started_at) FILTER (WHERE real) AS last_real,
         MAX(started_at) FILTER (WHERE reached) AS last_reach, MAX(reach) AS reach,
         COUNT(*) FILTER (WHERE unanswered AND (reach IS NULL OR started_at > reach)) AS added_unanswered,
         MAX(started_at) FILTER (WHERE quote_event) AS last_event,
         MAX(started_at) FILTER (WHERE open_quote) AS last_quote
  FROM n GROUP BY lead_id
)
UPDATE leads_lead l SET
  last_contacted_at = GREATEST(l.last_contacted_at, a.last_contact),
  last_real_contact_at = GREATEST(l.last_real_contact_at, a.last_real),
  last_reached_at = a.reach,
  unanswered_attempts = CASE
    WHEN a.reach IS NOT DISTINCT FROM l.last_reached_at THEN l.unanswered_attempts + a.added_unanswered
    ELSE (SELECT COUNT(*) FROM calls_call c JOIN calls_disposition d ON d.id = c.disposition_id
          WHERE c.lead_id = l.id AND c.started_at > a.reach AND c.channel = 'phone' AND NOT d.reached) END,
  last_quote_event_at = GREATEST(l.last_quote_event_at, a.last_event),
  has_open_quote = CASE
    WHEN a.last_event IS NULL OR a.last_event < l.last_quote_event_at THEN l.has_open_quote
    WHEN a.last_event = l.last_quote_event_at THEN l.has_open_quote OR a.last_quote IS NOT DISTINCT FROM a.last_event
    ELSE a.last_quote IS NOT DISTINCT FROM a.last_event END,
  next_follow_up_at = (SELECT MIN(f.due_at) FROM calls_followup f WHERE f.lead_id = l.id AND f.done_at IS NULL)
FROM a WHERE l.id = a.lead_id AND l.id = ANY(%(leads)s)
"""


def add_calls_to_lead_facts(call_ids: Iterable[int], *, lead_ids: Iterable[int] | None = None,
                            portable: bool = False) -> None:
    """Fold newly inserted calls into their leads' stored call facts (the leads locked by the caller).

    Equal to `refresh_lead_call_facts` for the same leads as long as the calls were inserted,
    not edited or deleted, since the facts were last computed (late calls included). `portable`
    runs the same fold in Python with the ORM, as SQLite does. `lead_ids` (the calls' leads, when
    the caller knows them) lets PostgreSQL read just those leads by key."""
    ids = sorted({int(i) for i in call_ids})
    if not ids:
        return
    if connection.vendor == "postgresql" and not portable:
        if lead_ids is None:
            lead_ids = Call.objects.filter(pk__in=ids).values_list("lead_id", flat=True)
        with connection.cursor() as cur:
            cur.execute(_ADD_SQL, {"calls": ids, "leads": sorted(set(lead_ids))})
        return
    _add_calls_portable(ids)


def _threshold(lead: Lead) -> int:
    return lead.pool.real_contact_min_seconds if lead.pool_id else REAL_CONTACT_SECONDS


def _later(a, b):
    return b if a is None else a if b is None else max(a, b)


def _add_calls_portable(ids: list[int]) -> None:
    """The portable twin of _ADD_SQL: the same fold, per lead, in Python."""
    calls = list(Call.objects.filter(pk__in=ids).select_related("disposition").order_by("pk"))
    leads = Lead.objects.select_related("pool").in_bulk({c.lead_id for c in calls})
    by_lead: dict[int, list[Call]] = {}
    for call in calls:
        by_lead.setdefault(call.lead_id, []).append(call)
    due = dict(FollowUp.objects.filter(lead_id__in=leads, done_at__isnull=True).values("lead_id")
               .annotate(due=Min("due_at")).values_list("lead_id", "due"))
    for lead_id, batch in by_lead.items():
        lead = leads[lead_id]
        _fold(lead, batch, _threshold(lead))
        lead.next_follow_up_at = due.get(lead_id)
    Lead.objects.bulk_update(list(leads.values()), FACT_FIELDS)


def _fold(lead: Lead, batch: list[Call], threshold: int) -> None:
    """Fold a lead's new calls into its facts (see _ADD_SQL)."""
    old_reach = lead.last_reached_at
    reach = _later(old_reach, max((c.started_at for c in batch if c.disposition.reached), default=None))
    for c in batch:
        d = c.disposition
        lead.last_contacted_at = _later(lead.last_contacted_at, c.started_at)
        if d.reached or c.duration_seconds >= threshold:
            lead.last_real_contact_at = _later(lead.last_real_contact_at, c.started_at)
    unanswered = [c for c in batch if c.channel == Channel.PHONE and not c.disposition.reached]
    if reach == old_reach:
        lead.unanswered_attempts += sum(1 for c in unanswered if reach is None or c.started_at > reach)
    else:
        lead.unanswered_attempts = Call.objects.filter(
            lead_id=lead.pk, started_at__gt=reach, channel=Channel.PHONE, disposition__reached=False).count()
    lead.last_reached_at = reach
    events = [c for c in batch if c.disposition.quoted or c.disposition.sold or c.disposition.refused]
    if not events:
        return
    last_event = max(c.started_at for c in events)
    quote_at_last = any(c.started_at == last_event and c.disposition.quoted and not c.disposition.sold
                        and not c.disposition.refused for c in events)
    old_event = lead.last_quote_event_at
    if old_event is None or last_event > old_event:
        lead.has_open_quote, lead.last_quote_event_at = quote_at_last, last_event
    elif last_event == old_event:
        lead.has_open_quote = lead.has_open_quote or quote_at_last
