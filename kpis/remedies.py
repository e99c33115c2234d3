"""The seeds' remedy for each weak driver (what to do when a rep misses the target), as data for
kpis.domain.diagnose.

Seed 000 lists the causes; the remedies come from the same deck's "thinking 1–5" slides and the
bottleneck-period slide; margin control from seeds 001/003. English here (pure Python, no
Django); the Chinese wording of the seeds is in the catalogues, and pages and the API translate
the text where they show it (kpis.labels.translated)."""


def gettext_noop(text: str) -> str:
    """Marks a text for the catalogues (makemessages); translated where it is shown."""
    return text


REMEDIES: dict[str, dict[str, str]] = {
    "outbound_customers": {
        "problem": gettext_noop("Too few calls"),
        "remedy": gettext_noop(
            "Spend less time on work unrelated to calling; shorten talk time and calls per customer "
            "by improving sales skills."),
    },
    "effective_connect_rate": {
        "problem": gettext_noop("Poor lead data"),
        "remedy": gettext_noop(
            "Do not waste leads: work every record fully and maintain this year's data so it "
            "connects better next year."),
    },
    "accumulated_customers": {
        "problem": gettext_noop("Too few accumulated customers"),
        "remedy": gettext_noop(
            "Build the pipeline every day: open many new customers daily — no sowing, no harvest."),
    },
    "quote_success_rate": {
        "problem": gettext_noop("Low quote rate"),
        "remedy": gettext_noop(
            "Use the script to check whether the customer is really insured, and learn to quote "
            "anyway — a quote opens the door; being friendly is not being professional."),
    },
    "sales_success_rate": {
        "problem": gettext_noop("Low close rate"),
        "remedy": gettext_noop(
            "Master product knowledge to win customers with expertise, master the call scripts to "
            "win them with skill, and sell yourself to win them with your own value."),
    },
    "avg_premium": {
        "problem": gettext_noop("Low premium per customer"),
        "remedy": gettext_noop(
            "Raise third-party cover limits, offer riders confidently and explain what full cover means."),
    },
    "avg_margin_rate": {
        "problem": gettext_noop("Weak margin control"),
        "remedy": gettext_noop(
            "Do not rely on price wars: segment customers and differentiate the offer; do not chase "
            "volume and forget the margin."),
    },
}
