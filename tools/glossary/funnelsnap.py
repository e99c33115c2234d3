"""Issue 16 (funnel as of a past day): stage figures stored with the nightly funnel snapshots."""

HANS = {
    "stage period in days": "阶段统计周期（天）",
    "leads at the stage": "处于该阶段的客户数",
    "leads that moved on": "进入下一阶段的客户数",
    "funnel snapshot stage figure": "漏斗快照阶段数据",
    "funnel snapshot stage figures": "漏斗快照阶段数据",
}
