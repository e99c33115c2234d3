HANS = {
    "Unknown field: this request body does not take it.": "未知字段：此请求体不接受该字段。",
    "Not allowed": "无权访问",
    "Your role cannot open this page. Ask an admin if you need it.": "您的角色无法打开此页面。如有需要，请联系管理员。",
    "Back to the start page": "返回首页",
    "Not found": "未找到",
    "This page does not exist, or it holds a record you may not see.": "此页面不存在，或其中的记录您无权查看。",
}

HANS.update({
    "notification": "通知", "notifications": "通知",
    "notification preference": "通知偏好", "notification preferences": "通知偏好",
    "daily digest": "每日摘要", "daily digests": "每日摘要",
    "held-leads counter": "持有客户计数", "held-leads counters": "持有客户计数",
    "claims counter": "领取计数", "claims counters": "领取计数",
    "segment combination": "细分组合", "segment combinations": "细分组合",
    "lead's segment combination": "客户的细分组合", "leads' segment combinations": "客户的细分组合",
    "changed lead segment": "已变更的客户细分", "changed lead segments": "已变更的客户细分",
    "segment day KPI": "细分日 KPI", "segment day KPIs": "细分日 KPI",
    "scoring model": "评分模型", "scoring models": "评分模型",
    "lead score": "客户评分", "lead scores": "客户评分",
    "talk items": "通话明细", "sale items": "成交明细",
})

HANS.update({
    "webhook endpoint": "Webhook 接收端", "webhook endpoints": "Webhook 接收端",
    "webhook endpoint change": "Webhook 接收端变更", "webhook endpoint changes": "Webhook 接收端变更",
    "pending webhook event": "待处理的 Webhook 事件", "pending webhook events": "待处理的 Webhook 事件",
    "webhook event": "Webhook 事件", "webhook events": "Webhook 事件",
    "webhook delivery": "Webhook 投递", "webhook deliveries": "Webhook 投递",
})
