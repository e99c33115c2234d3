from celery.schedules import crontab


def beat(env) -> dict:
    return {
        "scoring-nightly": {
            "task": "scoring.tasks.train_and_score",
            "schedule": crontab(hour=env.int("SCORING_HOUR", default=3), minute=env.int("SCORING_MINUTE", default=30)),
        },
    }
