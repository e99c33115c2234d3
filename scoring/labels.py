"""Words for features and reasons, in the reader's language."""

from django.utils.translation import gettext, gettext_noop

FEATURES = {
    "source": gettext_noop("Source"), "region": gettext_noop("Region"),
    "product_interest": gettext_noop("Product interest"), "pool": gettext_noop("Pool"),
    "grade": gettext_noop("Grade"), "last_outcome": gettext_noop("Last outcome"),
    "attempts": gettext_noop("Attempts so far"), "reached": gettext_noop("Times reached"),
    "quotes": gettext_noop("Quotes so far"), "days_since_contact": gettext_noop("Days since the last call"),
    "age_days": gettext_noop("Days since the lead came in"), "grade_changes": gettext_noop("Grade changes"),
    "hour": gettext_noop("Hour of day"), "dow": gettext_noop("Day of week"), "rep": gettext_noop("Rep"),
    "prior_attempts": gettext_noop("Earlier attempts"), "prior_reached": gettext_noop("Earlier times reached"),
    "prior_same_hour_attempts": gettext_noop("Earlier attempts at that hour"),
    "prior_same_hour_reached": gettext_noop("Earlier times reached at that hour"),
}


def feature(name: str) -> str:
    if name.startswith("attr:"):
        return name[5:]
    return gettext(FEATURES[name]) if name in FEATURES else name


def reason(item) -> str:
    """[feature, value, lift] → “Source web: converts 2.1× the average”."""
    name, value, lift = item
    return gettext("%(feature)s %(value)s: converts %(lift)s× the average") % {
        "feature": feature(name), "value": value or "—", "lift": f"{lift:.1f}"}
