"""Celery beat schedule. Each app's periodic job is listed here once, with its hour from the env."""



def beat_schedule(env) -> dict:
    """Return the periodic tasks; apps append entries as their jobs land."""
    schedule: dict = {}
    return schedule
