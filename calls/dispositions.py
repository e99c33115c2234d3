"""The standard dispositions shipped with the product (also created by migration 0003)."""

# code, name, flags (attempted is True for all)
STANDARD = [
    ("no_answer", "No answer (无人接听)", {}),
    ("busy", "Busy (占线)", {}),
    ("invalid_number", "Invalid number (空号/错号)", {"final": True}),
    ("wrong_person", "Reached someone else (非本人接听)", {}),
    ("reached", "Reached the customer (有效联通)", {"reached": True}),
    ("quoted", "Quoted (报价)", {"reached": True, "quoted": True}),
    ("sold", "Sold (出单)", {"reached": True, "quoted": True, "sold": True, "final": True}),
    ("refused", "Refused (拒绝)", {"reached": True, "refused": True}),
    ("callback", "Call back later (约定回电)", {"reached": True, "callback": True}),
    ("dnc", "Do not call (勿扰)", {"reached": True, "dnc": True, "final": True}),
]


def ensure_standard(model=None) -> dict:
    """Create any missing standard disposition (existing ones are left as admins edited them)."""
    if model is None:
        from calls.models import Disposition as model
    out = {}
    for position, (code, name, flags) in enumerate(STANDARD, start=1):
        out[code], _ = model.objects.get_or_create(
            code=code, defaults={"name": name, "attempted": True, "position": position * 10, **flags}
        )
    return out
