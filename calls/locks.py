"""Short-lived "on the line" lock per customer number (Redis in production, atomic `cache.add`).

When a rep opens a lead for calling, they hold the number for a few minutes; another rep who
opens the same number is told who is on the line, so two reps never dial one customer. Logging
the call releases the number; a rep who leaves without logging holds it until the lock expires."""

from django.core.cache import cache

LINE_LOCK_SECONDS = 300


def _key(phone: str) -> str:
    return f"calls:line:{phone}"


def take_line(*, phone: str, user) -> str | None:
    """Hold `phone` for `user`. Returns the name of another rep already on the line, else None."""
    if not phone:
        return None
    mine = {"user_id": user.pk, "name": user.display_name}
    if cache.add(_key(phone), mine, LINE_LOCK_SECONDS):
        return None
    current = cache.get(_key(phone))
    if current is None:  # expired between add and get: try once more
        return None if cache.add(_key(phone), mine, LINE_LOCK_SECONDS) else (cache.get(_key(phone)) or {}).get("name")
    if current.get("user_id") == user.pk:
        cache.touch(_key(phone), LINE_LOCK_SECONDS)
        return None
    return current.get("name") or "another rep"


def release_line(*, phone: str, user) -> None:
    """Let go of `phone` if `user` holds it (another rep's hold is left alone)."""
    current = cache.get(_key(phone))
    if current and current.get("user_id") == user.pk:
        cache.delete(_key(phone))
