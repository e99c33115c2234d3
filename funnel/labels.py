"""What funnel pages, charts and the API call grades, stages and shapes, in the reader's language.
funnel.domain is pure Python with English text marked for the catalogues; it is translated here."""

from django.utils.translation import gettext, pgettext_lazy

from funnel.domain import SHAPE_TEXT

GRADE_NAMES = {
    "E": pgettext_lazy("grade", "potential"),
    "D": pgettext_lazy("grade", "contacted"),
    "C": pgettext_lazy("grade", "agreeing"),
    "B": pgettext_lazy("grade", "intent"),
    "A": pgettext_lazy("grade", "ready to buy"),
    "won": pgettext_lazy("funnel", "won"),
    "lost": pgettext_lazy("funnel", "lost"),
}

# Where a planned conversion rate came from (funnel.planning / funnel.domain.plan).
RATE_SOURCES = {
    "typed": pgettext_lazy("rate source", "typed"),
    "history": pgettext_lazy("rate source", "history"),
    "assumed": pgettext_lazy("rate source", "assumed"),
    "actual": pgettext_lazy("rate source", "actual"),
    "planned": pgettext_lazy("rate source", "planned"),
}


def grade_label(grade: str) -> str:
    """"E potential" for a grade, "won" / "lost" for the outcomes."""
    name = GRADE_NAMES.get(grade, grade)
    return str(name) if grade in ("won", "lost") else f"{grade} {name}"


def rate_source(source: str | None) -> str:
    return str(RATE_SOURCES.get(source, source or ""))


def shape_title(shape: str) -> str:
    return gettext(SHAPE_TEXT[shape]["title"])


def shape_advice(shape: str) -> str:
    return gettext(SHAPE_TEXT[shape]["advice"])
