from django import template

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    """95 → 1:35."""
    try:
        seconds = int(seconds or 0)
    except (TypeError, ValueError):
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def http_url(url) -> str:
    """The link itself when it is http(s), else "": a stored javascript: URL never becomes a link."""
    text = str(url or "")
    return text if text.lower().startswith(("http://", "https://")) else ""
