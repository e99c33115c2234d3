"""The standard dispositions shipped with the product (also created by migration 0003)."""

# code, name, its Chinese names (简体, 繁體), flags (attempted is True for all)
STANDARD = [
    ("no_answer", "No answer", ("无人接听", "無人接聽"), {}),
    ("busy", "Busy", ("占线", "佔線"), {}),
    ("invalid_number", "Invalid number", ("空号/错号", "空號/錯號"), {"final": True}),
    ("wrong_person", "Reached someone else", ("非本人接听", "非本人接聽"), {}),
    ("reached", "Reached the customer", ("有效联通", "有效聯通"), {"reached": True}),
    ("quoted", "Quoted", ("报价", "報價"), {"reached": True, "quoted": True}),
    ("sold", "Sold", ("出单", "出單"), {"reached": True, "quoted": True, "sold": True, "final": True}),
    ("refused", "Refused", ("拒绝", "拒絕"), {"reached": True, "refused": True}),
    ("callback", "Call back later", ("约定回电", "約定回電"), {"reached": True, "callback": True}),
    ("dnc", "Do not call", ("勿扰", "勿擾"), {"reached": True, "dnc": True, "final": True}),
]


def labels(hans: str, hant: str) -> dict[str, str]:
    return {"zh-hans": hans, "zh-hant": hant}


def ensure_standard(model=None) -> dict:
    """Create any missing standard disposition (existing ones are left as admins edited them)."""
    if model is None:
        from calls.models import Disposition as model
    out = {}
    for position, (code, name, chinese, flags) in enumerate(STANDARD, start=1):
        out[code], _ = model.objects.get_or_create(
            code=code, defaults={"name": name, "name_i18n": labels(*chinese), "attempted": True,
                                 "position": position * 10, **flags}
        )
    return out
