"""Webhooks (issue 19 item 5): the admin pages, the API's messages and the event types."""

HANS = {
    # event types (telesales/events.py)
    "A rep claimed a lead from a public pool": "销售从公海领取了客户",
    "A lead was released to its public pool": "客户被放回公海",
    "A lead was given to a rep: reassigned, distributed, won on appeal or handed over": "客户被分配给业务员：转派、分配、申诉获批或交接",
    "A neglected or recycled lead went back to its pool": "未跟进或被回收的客户回到了公海",
    "A lead's grade or status changed": "客户的等级或状态有变化",
    "A call was logged in the app": "在系统中记录了一通电话",
    "A dialer sync created or changed a call": "外呼系统同步新建或修改了一通电话",
    "A call won a sale": "一通电话成交",
    "A target alert was raised": "触发了一条目标预警",
    "A user was deactivated": "停用了一个用户",
    # models
    "Created": "已创建",
    "Changed": "已修改",
    "Deleted": "已删除",
    "Resent a delivery": "重新发送了一次推送",
    "Pending": "待发送",
    "Delivered": "已送达",
    "Given up": "已放弃",
    # forms and pages
    "Name": "名称",
    "URL": "URL",
    "Event types": "事件类型",
    "Secret (empty: one is made for you)": "密钥（留空则自动生成）",
    "New secret (empty: keep the secret)": "新密钥（留空则保留原密钥）",
    "Active": "启用",
    "Webhooks": "Webhook",
    "Endpoints receive a signed JSON request when something happens (a claim, a sale, an alert…), after "
    "the change is saved. The README shows how to check the signature.":
        "发生事件（领取、成交、预警……）并保存后，接收端会收到一个带签名的 JSON 请求。README 说明了如何校验签名。",
    "Secret (shown once):": "密钥（仅显示一次）：",
    "State": "状态",
    "inactive": "已停用",
    "failing since": "失败始于",
    "active": "启用中",
    "No endpoints yet.": "还没有接收端。",
    "Register an endpoint": "登记接收端",
    "Register": "登记",
    "Save": "保存",
    "Deliveries": "推送记录",
    "Event": "事件",
    "Object": "对象",
    "Happened": "发生时间",
    "Status": "状态",
    "Attempts": "尝试次数",
    "Last answer": "最近应答",
    "next try": "下次重试",
    "resent by": "重新发送人",
    "Resend": "重新发送",
    "Nothing sent yet.": "尚未发送任何内容。",
    "Changes": "变更记录",
    "No changes yet.": "还没有变更。",
    "Delete endpoint": "删除接收端",
    "Endpoint “%(name)s” registered. Copy the secret now; it is not shown again.":
        "接收端“%(name)s”已登记。请立即复制密钥，之后不再显示。",
    "Endpoint “%(name)s” saved.": "接收端“%(name)s”已保存。",
    "Endpoint “%(name)s” deleted.": "接收端“%(name)s”已删除。",
    "The event is queued to be sent again.": "该事件已排队重新发送。",
    # services and URL checks
    "Only admins manage webhooks.": "只有管理员可以管理 Webhook。",
    "Give the endpoint a name of at most 100 characters.": "请为接收端填写名称（最多 100 个字符）。",
    "The URL is at most 500 characters.": "URL 最多 500 个字符。",
    "The secret has 16 to 128 characters (leave it empty to have one made).":
        "密钥须为 16 到 128 个字符（留空则自动生成）。",
    "Choose at least one event type.": "请至少选择一种事件类型。",
    "Unknown event type “%(type)s”.": "未知的事件类型“%(type)s”。",
    "“%(field)s” is not a field of an endpoint.": "“%(field)s”不是接收端的字段。",
    "Webhook endpoint not found.": "未找到该 Webhook 接收端。",
    "Delivery not found.": "未找到该推送记录。",
    "Enter a valid URL.": "请输入有效的 URL。",
    "Enter an http:// or https:// URL.": "请输入 http:// 或 https:// 开头的 URL。",
    "Webhook URLs must use https://.": "Webhook 的 URL 必须使用 https://。",
    "Put credentials in the secret, not in the URL.": "请把凭据放在密钥中，不要写在 URL 里。",
    "The host name of this URL does not resolve.": "无法解析此 URL 的主机名。",
    "This URL points into a private, loopback or link-local network; webhooks go only to public addresses.":
        "此 URL 指向私有、回环或链路本地网络；Webhook 只发送到公网地址。",
}

HANT = {
    "Endpoints receive a signed JSON request when something happens (a claim, a sale, an alert…), after "
    "the change is saved. The README shows how to check the signature.":
        "發生事件（領取、成交、預警……）並儲存後，接收端會收到一個帶簽章的 JSON 請求。README 中說明如何驗證簽章。",
}
