"""Issue 16 (funnel as of a past date): what the team funnel page is read as of, and the refused future day."""

HANS = {
    "As of the end of %(day)s; stage conversion over the %(days)s days up to then.":
        "截至 %(day)s 日终；阶段转化率为此前 %(days)s 天。",
    "As of now; stage conversion over the last %(days)s days.": "截至现在；阶段转化率为最近 %(days)s 天。",
    "%(day)s is in the future: a funnel can be shown as of today or an earlier day.":
        "%(day)s 是未来的日期：漏斗只能显示截至今天或更早某天的情况。",
}
