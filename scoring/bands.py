"""Score bands: the cut the KPI and funnel segment pages offer as `?segment=score_band`.

Fixed bands by the rank of the lead's latest nightly p(sale) among the leads scored that night:
the top 10 %, the next 20 % (10–30 %) and the rest; leads never scored are "not scored". The
band is the lead's ScoreBand (kept after the lead closes, so a won lead keeps the band it was
sold from). Registered from here into leads.segments (the KPI and funnel apps may not import
scoring), so the pages, the APIs and their validation (an unknown segment is a 400 naming it)
are the segment cuts' own."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, CharField, Expression, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SEGMENT = "score_band"
# (value, the last decile in the band, label)
BANDS = (("top_10", 1, _("1 · top 10 %")), ("10_30", 3, _("2 · 10–30 %")), ("rest", 10, _("3 · the rest")))

# One statement, alike on PostgreSQL and SQLite (window functions, upsert; SQLite needs the WHERE
# to read ON CONFLICT as the upsert's): every scored lead's decile by p(sale), best first.
BAND_SQL = """
INSERT INTO scoring_scoreband (lead_id, decile, p_sale, scored_at)
SELECT lead_id, NTILE(10) OVER (ORDER BY p_sale DESC, lead_id), p_sale, scored_at FROM scoring_leadscore WHERE 1 = 1
ON CONFLICT (lead_id) DO UPDATE SET decile = excluded.decile, p_sale = excluded.p_sale, scored_at = excluded.scored_at
"""


def write_bands() -> None:
    """Put every lead scored tonight in its band (leads no longer scored keep their last one)."""
    with connection.cursor() as cursor:
        cursor.execute(BAND_SQL)


def band_expression(path: str) -> Expression:
    """The lead's band value (NULL: never scored) for leads (`path` "") or calls ("lead__")."""
    decile = f"{path}score_band__decile"
    whens = [When(**{f"{decile}__lte": last}, then=Value(value)) for value, last, _label in BANDS]
    return Case(*whens, default=None, output_field=CharField())


def band_labels(values) -> dict:
    labels = {value: str(label) for value, _last, label in BANDS if value in values}
    if None in values:
        labels[None] = gettext("Not scored")
    return labels


def register() -> None:
    from leads.segments import add_segment

    add_segment(SEGMENT, _("Score band"), band_expression, band_labels)
