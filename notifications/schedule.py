"""Beat entries for notifications (no model imports: loaded from settings). The checks live in
the apps that own the records; they are named here by task name only."""

from celery.schedules import crontab


def beat(env) -> dict:
    minutes = env.int("NOTIFY_FOLLOW_UP_MINUTES", default=15)
    return {
        "notify-follow-ups-due": {"task": "calls.notify_due_follow_ups", "schedule": 60.0 * max(1, minutes // 3),
                                  "kwargs": {"minutes": minutes}, "options": {"expires": 60 * max(1, minutes // 3)}},
        "notify-leads-returning": {"task": "leads.notify_returning_leads", "schedule": crontab(minute=30),
                                   "kwargs": {"hours": env.int("NOTIFY_RETURN_HOURS", default=24)}},
        "notify-check-ins-due": {"task": "coaching.tasks.notify_check_ins_due",
                                 "schedule": crontab(hour=env.int("NOTIFY_CHECK_IN_HOUR", default=8), minute=0)},
        "notify-daily-digest": {"task": "notifications.send_digests",
                                "schedule": crontab(hour=env.int("NOTIFY_DIGEST_HOUR", default=7), minute=30)},
    }
