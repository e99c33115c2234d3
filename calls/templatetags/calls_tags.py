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
