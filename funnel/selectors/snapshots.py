"""The funnel as of a past moment from the nearest snapshot (funnel.models.FunnelSnapshot, taken
by funnel.services.take_snapshots) plus the leads that changed between the snapshot's moment and
the one asked for; PostgreSQL. Exact: a lead with no grade change, ownership event or creation in
between stood the same at both moments, so the funnel moves only by the leads that had one, each
taken out as it stood at the snapshot and put back as it stood at the moment asked for, by the
rules of funnel.selectors.counts (its portable statement is the reference the tests compare with).

A snapshot is used only while no row inserted after the newest snapshot is dated at or before its
moment (a late dialer sync): such a row changes the past, and the next job run deletes the
snapshots it made stale."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from funnel.models import FunnelSnapshot, FunnelSnapshotCount
from funnel.selectors.sql import add_count, bound, empty_counts, heavy_read, owner_filter, table
from leads.models import GradeChange, Lead, OwnershipEvent


def nearest_snapshot(as_of: dt.datetime) -> tuple[int, dt.datetime] | None:
    """(id, moment) of the usable snapshot nearest to `as_of`, or None: one query, which also
    checks the rows inserted since the newest snapshot for any dated at or before a moment."""
    snap, gc, oe, lead = table(FunnelSnapshot), table(GradeChange), table(OwnershipEvent), table(Lead)
    sql = f"""
        WITH top AS (SELECT grade_change_mark AS gm, ownership_mark AS om, lead_mark AS lm FROM {snap}
                     ORDER BY taken_at DESC, id DESC LIMIT 1),
        late AS (SELECT LEAST((SELECT MIN(g.changed_at) FROM {gc} g, top WHERE g.id > top.gm),
                              (SELECT MIN(e."at") FROM {oe} e, top WHERE e.id > top.om),
                              (SELECT MIN(l.created_at) FROM {lead} l, top WHERE l.id > top.lm)) AS t)
        SELECT s.id, s.moment FROM {snap} s, late WHERE late.t IS NULL OR s.moment < late.t
        ORDER BY GREATEST(s.moment - %s, %s - s.moment), s.moment DESC LIMIT 1
    """
    at = bound(as_of)
    with connection.cursor() as cur:
        cur.execute(sql, [at, at])
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def counts_from_snapshot(owner_ids: list[int] | None, as_of: dt.datetime, snapshot: tuple[int, dt.datetime],
                         out: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    """funnel_counts_by_owner at `as_of`: the snapshot's counts, moved by the leads that changed
    between its moment and `as_of`."""
    snapshot_id, moment = snapshot
    rows = FunnelSnapshotCount.objects.filter(snapshot_id=snapshot_id)
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    for owner_id, grade, status, n in rows.values_list("owner_id", "grade", "status", "n"):
        add_count(out.setdefault(owner_id, empty_counts()), grade, status, n)
    if moment != as_of:
        sql, params = _moved_sql(owner_ids, moment, as_of)
        with heavy_read(), connection.cursor() as cur:
            cur.execute(sql, params)
            for sign, owner_id, grade, status, n in cur.fetchall():
                add_count(out.setdefault(owner_id, empty_counts()), grade, status, sign * n)
    if owner_ids is None:  # an owner who held nothing at `as_of` is not in the funnel then
        out = {owner: counts for owner, counts in out.items() if any(counts.values())}
    return out


def _state_at(tag: str) -> tuple[str, str]:
    """The lateral joins reading lead `l`'s state at one moment (parameters: that moment three
    times) and the columns owner_{tag}, grade_{tag}, status_{tag} (funnel_counts_by_owner's rules)."""
    gc, oe = table(GradeChange), table(OwnershipEvent)
    joins = f"""
        LEFT JOIN LATERAL (SELECT 1 AS hit, g.owner_id, g.to_grade, g.to_status FROM {gc} g
            WHERE g.lead_id = l.id AND g.changed_at <= %s ORDER BY g.changed_at DESC, g.id DESC LIMIT 1) g_{tag} ON TRUE
        LEFT JOIN LATERAL (SELECT 1 AS hit, e.to_owner_id FROM {oe} e
            WHERE e.lead_id = l.id AND e."at" <= %s ORDER BY e."at" DESC, e.id DESC LIMIT 1) o_{tag} ON TRUE
        LEFT JOIN LATERAL (SELECT 1 AS hit, e.from_owner_id FROM {oe} e
            WHERE e.lead_id = l.id AND e."at" > %s ORDER BY e."at", e.id LIMIT 1) n_{tag} ON TRUE
    """
    columns = f"""
        CASE WHEN o_{tag}.hit IS NOT NULL THEN o_{tag}.to_owner_id WHEN g_{tag}.hit IS NOT NULL THEN g_{tag}.owner_id
             WHEN n_{tag}.hit IS NOT NULL THEN n_{tag}.from_owner_id ELSE l.owner_id END AS owner_{tag},
        COALESCE(g_{tag}.to_grade, 'E') AS grade_{tag}, COALESCE(g_{tag}.to_status, 'active') AS status_{tag}
    """
    return joins, columns


def _moved_sql(owner_ids: list[int] | None, moment: dt.datetime, as_of: dt.datetime) -> tuple[str, list]:
    """Rows (+1 at `as_of`, -1 at the snapshot's `moment`; owner, grade, status, n) for the leads
    with a grade change, an ownership event or their creation between the two moments."""
    gc, oe, lead = table(GradeChange), table(OwnershipEvent), table(Lead)
    low, high = bound(min(moment, as_of)), bound(max(moment, as_of))
    then_joins, then_columns = _state_at("t")
    snap_joins, snap_columns = _state_at("s")
    then_owner, p1 = owner_filter("owner_t", owner_ids)
    snap_owner, p2 = owner_filter("owner_s", owner_ids)
    t, s = bound(as_of), bound(moment)
    sql = f"""
        WITH changed AS (
            SELECT lead_id FROM {gc} WHERE changed_at > %s AND changed_at <= %s
            UNION SELECT lead_id FROM {oe} WHERE "at" > %s AND "at" <= %s
            UNION SELECT id FROM {lead} WHERE created_at > %s AND created_at <= %s
        ), st AS (
            SELECT l.created_at <= %s AS in_t, l.created_at <= %s AS in_s, {then_columns}, {snap_columns}
            FROM changed c JOIN {lead} l ON l.id = c.lead_id {then_joins} {snap_joins}
        )
        SELECT 1, owner_t, grade_t, status_t, COUNT(*) FROM st WHERE in_t AND {then_owner}
        GROUP BY owner_t, grade_t, status_t
        UNION ALL
        SELECT -1, owner_s, grade_s, status_s, COUNT(*) FROM st WHERE in_s AND {snap_owner}
        GROUP BY owner_s, grade_s, status_s
    """
    return sql, [low, high, low, high, low, high, t, s, t, t, t, s, s, s, *p1, *p2]
