"""Beat entries for webhooks: retries that have come due are sent every WEBHOOKS_SWEEP_SECONDS."""


def beat(env) -> dict:
    seconds = env.float("WEBHOOKS_SWEEP_SECONDS", default=30.0)
    return {"webhooks-deliver-due": {"task": "webhooks.deliver_due", "schedule": seconds,
                                     "options": {"expires": seconds}}}
