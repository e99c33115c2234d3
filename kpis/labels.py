"""What KPI pages, charts, forms and the API call each driver, in the reader's language.

kpis.domain and kpis.remedies are pure Python and keep English text marked for the catalogues;
this module is where it is translated (lazily, so module-level tables follow each request)."""

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from kpis import domain


def translated(text: str | None) -> str | None:
    """A text from kpis.domain / kpis.remedies in the active language (None stays None)."""
    return gettext(text) if text else text


translated_lazy = lazy(translated, str)

DRIVER_LABELS = {name: translated_lazy(label) for name, label in domain.DRIVER_LABELS.items()}

# Short names for chart titles and legends.
DRIVER_TITLES = {
    "outbound_customers": pgettext_lazy("chart", "Outbound customers"),
    "effective_connect_rate": pgettext_lazy("chart", "Connect rate"),
    "quote_success_rate": pgettext_lazy("chart", "Quote rate"),
    "sales_success_rate": pgettext_lazy("chart", "Close rate"),
    "avg_premium": pgettext_lazy("chart", "Avg premium"),
    "avg_margin_rate": pgettext_lazy("chart", "Margin rate"),
}
MARGIN = pgettext_lazy("chart", "Margin")
YOU_VS_MEDIAN = gettext_lazy("You (% of team median)")
TOP_QUARTILE = gettext_lazy("Team top quartile")
PCT_OF_MEDIAN = gettext_lazy("% of team median")
