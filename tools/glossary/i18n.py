"""Issue 18: the Django admin in Chinese — model, field and app names, admin labels, and Django's
own admin strings that its bundled zh_Hans catalogue lacks (telesales/django_strings.py/.js)."""

HANS = {
    # permissions (accounts.admin.permission_label), fieldsets, the CDR import page
    "Can add %(model)s": "可以添加%(model)s", "Can change %(model)s": "可以修改%(model)s",
    "Can delete %(model)s": "可以删除%(model)s", "Can view %(model)s": "可以查看%(model)s",
    "Telesales": "电销", "Users and teams": "用户和团队", "Limits": "上限", "Auto-return": "自动退回公海",
    "CDR file": "话单文件", "Master.csv from Asterisk cdr-csv (standard column order).":
        "Asterisk cdr-csv 导出的 Master.csv（标准列顺序）。",
    "Times are in UTC (usegmtime)": "时间为 UTC（usegmtime）", "Only admins import call records.": "只有管理员可以导入通话记录。",
    "Import call records (Asterisk CDR)": "导入通话记录（Asterisk 话单）", "Line": "行", "Record": "记录",
    "succeeded": "成功", "in use": "启用",
    # models
    "teams": "团队", "user": "用户", "users": "用户", "API token": "API 令牌", "disposition": "通话结果",
    "dispositions": "通话结果", "lead": "客户", "leads": "客户", "call": "通话", "follow-up": "跟进",
    "follow-ups": "跟进", "dirty rep day": "待重算的业务员日", "dirty rep days": "待重算的业务员日",
    "queue state": "拨号队列状态", "queue states": "拨号队列状态", "queue skip": "跳过记录", "queue skips": "跳过记录",
    "scorecard": "评分表", "scorecards": "评分表", "scorecard version": "评分表版本", "scorecard versions": "评分表版本",
    "criterion": "评分项", "criteria": "评分项", "sampling plan": "抽检计划", "sampling plans": "抽检计划",
    "sampling run": "抽检批次", "sampling runs": "抽检批次", "sampled call": "抽检通话", "sampled calls": "抽检通话",
    "review assignment": "评估分派", "review assignments": "评估分派", "reviews": "评估", "review score": "评估得分",
    "review scores": "评估得分", "improvement plan": "改进计划", "improvement plans": "改进计划", "plan item": "计划项",
    "plan items": "计划项", "check-in": "阶段检查", "check-ins": "阶段检查", "one-to-one note": "一对一面谈记录",
    "one-to-one notes": "一对一面谈记录", "action item": "行动项", "action items": "行动项",
    "funnel snapshot": "漏斗快照", "funnel snapshots": "漏斗快照", "funnel snapshot count": "漏斗快照计数",
    "funnel snapshot counts": "漏斗快照计数", "daily rep KPI": "业务员每日业绩指标", "daily rep KPIs": "业务员每日业绩指标",
    "team day KPI": "团队每日业绩指标", "team day KPIs": "团队每日业绩指标", "lead set": "客户集合", "lead sets": "客户集合",
    "KPI run": "业绩指标计算", "KPI runs": "业绩指标计算", "KPI lock": "业绩指标计算锁", "KPI locks": "业绩指标计算锁",
    "pool": "客户池", "pools": "客户池", "pool rule change": "客户池规则变更", "pool rule changes": "客户池规则变更",
    "lost reason": "流失原因", "lost reasons": "流失原因", "attribute definition": "自定义属性",
    "attribute definitions": "自定义属性", "attribute definition change": "自定义属性变更",
    "attribute definition changes": "自定义属性变更", "import job": "导入任务", "import jobs": "导入任务",
    "ownership event": "归属变更", "ownership events": "归属变更", "grade change": "等级变更", "grade changes": "等级变更",
    "phone reveal": "号码查看记录", "phone reveals": "号码查看记录", "appeal": "申诉", "appeals": "申诉",
    "targets": "目标", "target revision": "目标调整", "target revisions": "目标调整", "holiday": "节假日",
    "holidays": "节假日", "alert rule": "预警规则", "alert rules": "预警规则", "alert": "预警", "alerts": "预警",
    "root cause note": "根因记录", "root cause notes": "根因记录",
    # fields
    "stage override": "手动指定阶段", "target uplift percent": "目标上浮比例（%）", "daily calling hours": "每日通话小时数",
    "working days per month": "每月工作日数", "avg talk minutes per customer": "每客户平均通话分钟数",
    "avg calls per customer": "每客户平均通话次数", "calling hours start": "允许呼叫开始时间",
    "calling hours end": "允许呼叫结束时间", "accepts distribution": "接收自动分配", "deactivated at": "停用时间",
    "key prefix": "密钥前缀", "key hash": "密钥哈希", "created by": "创建人", "created at": "创建时间",
    "last used at": "最近使用时间", "revoked at": "吊销时间", "expires at": "过期时间", "code": "代码",
    "attempted": "已拨打", "quoted": "已报价", "sold": "已成交", "refused": "已拒绝", "callback": "需回拨",
    "final": "终结", "rep": "业务员", "channel": "渠道", "started at": "开始时间", "duration seconds": "时长（秒）",
    "premium": "保费", "0–1": "0–1 之间", "margin rate": "利润率", "quote amount": "报价金额", "notes": "备注",
    "recording url": "录音地址", "external id": "外部编号", "sync digest": "同步摘要", "updated at": "更新时间",
    "assigned to": "分配给", "scope": "范围", "due at": "到期时间", "purpose": "目的", "done at": "完成时间",
    "marked at": "标记时间", "current lead": "当前客户", "current kind": "当前类型", "handled": "已处理",
    "reason": "原因", "skipped at": "跳过时间", "number": "编号", "critical cap": "致命项封顶分",
    "calibration threshold": "校准阈值", "version": "版本", "description": "说明", "weight": "权重",
    "scale max": "满分", "pass score": "及格分", "new hire rate": "新人抽检比例", "top rate": "优秀者抽检比例",
    "regular rate": "普通抽检比例", "new hire days": "新人天数", "top share": "优秀者占比", "top window days": "优秀者统计天数",
    "prefer recording": "优先有录音的通话", "min duration seconds": "最短时长（秒）", "reviewers": "评估人",
    "plan": "计划", "Monday of the sampled week": "抽检周的周一", "sampled": "抽检数", "run": "批次", "cohort": "人群",
    "result total": "总分", "needs calibration": "需要校准", "completed at": "完成时间", "reviewer": "评估人",
    "assigned by": "分配人", "assigned at": "分配时间", "assignment": "分派", "total": "总计",
    "uncapped total": "封顶前总分", "critical failed": "致命项未通过", "comment": "评语", "submitted at": "提交时间",
    "score": "得分", "lost points": "失分", "manager": "主管", "title": "标题", "source kind": "来源类型",
    "source ref": "来源编号", "support": "支持方式", "check in every days": "每隔几天检查一次", "start date": "开始日期",
    "review date": "复核日期", "outcome": "结果", "outcome note": "结果说明", "closed at": "关闭时间",
    "acknowledged at": "确认时间", "what": "内容", "measure": "衡量标准", "due": "截止日期", "date": "日期",
    "progress note": "进展说明", "author": "作者", "held on": "面谈日期", "situation": "情境", "behaviour": "行为",
    "impact": "影响", "agreed actions": "约定的行动", "due on": "截止日期", "moment": "时刻",
    "grade change mark": "等级变更标记", "ownership change mark": "归属变更标记", "lead change mark": "客户变更标记",
    "taken at": "快照时间", "snapshot": "快照", "number of items": "数量", "calls made": "拨打通话数",
    "calls that reached the customer": "接通客户的通话", "calls reached": "接通通话数",
    "sales (calls flagged sold): a customer may buy twice": "成交（标记为成交的通话）：一个客户可能购买两次",
    "policies sold": "成交保单数", "customers dialled": "拨打客户数", "customers reached": "接通客户数",
    "customers quoted": "报价客户数", "customers sold": "成交客户数", "margin amount": "利润金额",
    "talk seconds": "通话秒数", "lead stages": "客户阶段", "team key": "团队键", "level": "层级", "grain": "粒度",
    "dialled": "已拨打", "finished at": "结束时间", "fact rows written": "写入的事实行数", "rows": "行数",
    "(rep, day) pairs recomputed (incremental)": "重新计算的（业务员, 日期）组合数（增量）",
    "rep days": "业务员日数", "duration (ms)": "耗时（毫秒）", "error": "错误", "held at": "持有时间",
    "member teams": "成员团队", "member users": "成员用户", "admins": "管理员",
    'e.g. {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}; 0 switches the rule off for a grade':
        '例如 {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}；0 表示该等级不启用此规则',
    "actor": "操作人", "before": "变更前", "after": "变更后", "time": "时间", "definition": "定义", "E.164": "E.164 格式",
    "claimed at": "领取时间", "last contacted at": "最近联系时间", "last real contact at": "最近有效沟通时间",
    "grade changed at": "等级变更时间", "next follow up at": "下次跟进时间", "unanswered attempts": "未接通次数",
    "has open quote": "有未结报价", "last reached at": "最近接通时间", "last quote event at": "最近报价时间",
    "from owner": "原负责人", "to owner": "新负责人", "from grade": "原等级", "to grade": "新等级",
    "to status": "新状态", "changed by": "修改人", "changed at": "修改时间", "added by": "添加人", "added at": "添加时间",
    "requested by": "申请人", "holder at request": "申请时的持有人", "decided by": "裁定人", "decided at": "裁定时间",
    "decision note": "裁定说明", "file": "文件", "original name": "原文件名", "mapping": "列映射",
    "attribute columns": "属性列", "total rows": "总行数", "processed rows": "已处理行数", "created count": "新建数",
    "collision count": "撞单数", "error count": "错误数", "report": "报告", "heartbeat at": "心跳时间",
    "parent": "上级目标", "uplift percent": "上浮比例（%）", "uplift amount": "上浮金额", "challenge percent": "挑战比例（%）",
    "excellence percent": "卓越比例（%）", "base coefficient": "基础系数", "challenge coefficient": "挑战系数",
    "excellence coefficient": "卓越系数", "is stretch": "是挑战目标", "attainability note": "可达成性说明",
    "old value": "原值", "new value": "新值", "children rebalanced": "已重新分配下级目标", "revised by": "调整人",
    "revised at": "调整时间", "is working day": "是工作日", "threshold percent": "阈值（%）",
    "consecutive days": "连续天数", "email": "电子邮件", "rule": "规则", "streak start": "连续开始日期",
    "streak end": "连续结束日期", "days below": "低于目标天数", "message": "消息", "read at": "阅读时间",
    "acknowledged by": "确认人", "written by": "撰写人",
    # Django's admin strings that Django's zh_Hans catalogue lacks
    "Model name": "模型名称", "Add link": "添加链接", "Change or view list link": "修改或查看列表链接",
    "After you’ve created a user, you’ll be able to edit more user options.": "创建用户后，您可以编辑更多用户选项。",
    "Error:": "错误：", "Forgotten your login credentials?": "忘记了登录凭据？", "In case you’ve forgotten, you are:":
        "以防您忘记，您的身份是：",
    "%(model)s instance with %(field)s %(value)r is not a valid choice.":
        "%(field)s 为 %(value)r 的 %(model)s 实例不是有效的选项。",
    "This password is too short. It must contain at least %d character.": "密码太短。至少需要 %d 个字符。",
    'Choose %s by selecting them and then select the "Choose" arrow button.': "选中要选择的%s，然后点击“选择”箭头按钮。",
    "Choose all %s": "全选%s", "Choose selected %s": "选择选中的%s", "Remove selected %s": "删除选中的%s",
    'Remove %s by selecting them and then select the "Remove" arrow button.': "选中要删除的%s，然后点击“删除”箭头按钮。",
    "(click to clear)": "（点击清除）", "Remove all %s": "删除全部%s",
}

# Django's own zh_Hant wording for its admin strings (our catalogue comes first, so keep Django's).
HANT = {
    'Choose %s by selecting them and then select the "Choose" arrow button.': '想選擇 %s 可先選取它們再點 "選取" 箭頭按鈕。',
    "Choose all %s": "選取全部 %s", "Choose selected %s": "選擇已選取的 %s", "Remove selected %s": "移除選取的 %s",
    'Remove %s by selecting them and then select the "Remove" arrow button.': '想移除 %s 可先選取它們再點 "移除" 箭頭按鈕。',
    "(click to clear)": "(點擊清除)", "Remove all %s": "移除全部 %s",
}
HANT.update({
    "Model name": "模型名稱", "Add link": "加入鏈結", "Change or view list link": "更改或檢視列表鏈結",
    "After you’ve created a user, you’ll be able to edit more user options.": "建立帳號後即可編輯更多使用者選項。",
    "Error:": "錯誤：", "Forgotten your login credentials?": "忘記您的登入驗證資訊？",
    "In case you’ve forgotten, you are:": "如果您真忘了，您是：",
    "This password is too short. It must contain at least %d character.": "密碼太短，必須至少 %d 個字元。",
    "%(model)s instance with %(field)s %(value)r is not a valid choice.":
        "%(model)s 實體配 %(field)s %(value)r 並不是合法選項。",
})
HANS["Uplift %(uplift)s"] = "上浮 %(uplift)s"
HANS["%(model)s #%(id)s"] = "%(model)s #%(id)s"
HANS["Root cause of alert #%(id)s"] = "预警 #%(id)s 的根因"
HANS.update({
    # django-axes (telesales/django_strings.py)
    "Locked Out": "已锁定", "Form Data": "表单数据", "Meta Data": "元数据", "Clean up expired attempts": "清理过期的尝试记录",
    "Not set": "未设置", "Attempt Remaining": "剩余尝试次数", "User Agent": "用户代理（浏览器）", "IP Address": "IP 地址",
    "HTTP Accept": "浏览器接受的内容类型", "Path": "路径", "Attempt Time": "尝试时间", "Access lock out": "已锁定访问",
    "access failure": "登录失败", "access failures": "登录失败", "GET Data": "GET 数据", "POST Data": "POST 数据",
    "Failed Logins": "登录失败次数", "access attempt": "登录尝试", "access attempts": "登录尝试", "Access Attempt": "登录尝试",
    "Expires At": "过期时间", "The time when access attempt expires and is no longer valid.": "登录尝试记录过期、不再有效的时间。",
    "access attempt expiration": "登录尝试过期时间", "access attempt expirations": "登录尝试过期时间",
    "Logout Time": "退出时间", "Session key hash (sha256)": "会话密钥哈希（sha256）", "access log": "访问日志",
    "access logs": "访问日志",
})
HANS.update({
    "Sessions": "会话", "session key": "会话密钥", "session data": "会话数据", "session": "会话", "sessions": "会话",
    "You have selected an action, but you haven’t saved your changes to individual fields yet. Please click OK to save. You’ll need to re-run the action.":
        "您选择了一个操作，但还有单独修改的字段没有保存。请点击“确定”保存，然后需要重新执行该操作。",
    "You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Go button rather than the Save button.":
        "您选择了一个操作，但没有修改任何字段。您要找的可能是“执行”按钮，而不是“保存”按钮。",
})
HANT.update({"Sessions": "工作階段", "session key": "工作階段金鑰", "session data": "工作階段資料", "session": "工作階段",
             "sessions": "工作階段"})
