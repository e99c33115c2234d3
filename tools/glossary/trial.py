HANS = {
    "Unknown field: this request body does not take it.": "未知字段：此请求体不接受该字段。",
    "Not allowed": "无权访问",
    "Your role cannot open this page. Ask an admin if you need it.": "您的角色无法打开此页面。如有需要，请联系管理员。",
    "Back to the start page": "返回首页",
    "Not found": "未找到",
    "This page does not exist, or it holds a record you may not see.": "此页面不存在，或其中的记录您无权查看。",
}
