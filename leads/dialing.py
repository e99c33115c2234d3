"""Click-to-dial: the link a phone number becomes (tel:, or the team's dialer URL template)."""

from urllib.parse import quote


def dial_href(e164: str, template: str = "") -> str:
    """The dial URL of a full E.164 number: tel:+86… by default, else the team's template with
    {e164} (URL-quoted, "+" kept as %2B in http(s) query strings) and {digits} filled in."""
    digits = "".join(c for c in e164 if c.isdigit())
    if not template:
        return f"tel:{e164}"
    is_web = template.lower().startswith(("http://", "https://"))
    number = quote(e164, safe="") if is_web else e164
    return template.replace("{e164}", number).replace("{digits}", digits)


def opens_in_window(href: str) -> bool:
    """A web dialer opens in its own window so the calling screen stays where it is."""
    return href.lower().startswith(("http://", "https://"))
