"""Issue 19 (API for integrators): scopes, provisioning, strict sync."""

HANS = {
    # token scopes (accounts/scopes.py)
    "Read leads, pools, imports, appeals and reference data": "读取客户、公海、导入、申诉和基础数据",
    "Create and update leads, import leads": "新建和修改客户、导入客户",
    "Read calls": "读取通话记录",
    "Log and sync calls": "记录和同步通话",
    "Read KPIs, the funnel, targets and coaching": "读取 KPI、漏斗、目标和辅导",
    "Act as an admin: users, teams, pools and reference data, and every other scope":
        "以管理员身份操作：用户、团队、公海和基础数据，并包含其他所有权限范围",
    "This token lacks the “%(scope)s” scope; an admin can issue one that has it.":
        "此令牌没有“%(scope)s”权限范围；可请管理员签发一个有此权限的令牌。",
    "Scopes": "权限范围",
    "None ticked: every scope except admin.": "都不勾选：除 admin 外的所有权限范围。",
    "Only an admin's or an integration account's token may have the admin scope.":
        "只有管理员或集成账号的令牌可以拥有 admin 权限范围。",
    "Unknown scope: %(scopes)s. The scopes are: %(known)s.": "未知的权限范围：%(scopes)s。可用的权限范围有：%(known)s。",
    "Give the token at least one scope.": "请至少给令牌一个权限范围。",
    "“%(username)s” is a person, not an integration account; name the token's user.":
        "“%(username)s”是一个人员账号，不是集成账号；请指定令牌的用户。",
    # users and teams
    "Only admins create users.": "只有管理员可以新建用户。",
    "The username “%(username)s” is taken.": "用户名“%(username)s”已被使用。",
    "Taken.": "已被使用。",
    "Only admins change users.": "只有管理员可以修改用户。",
    "You cannot change your own role; ask another admin.": "您不能修改自己的角色；请找另一位管理员。",
    "Your own.": "这是您自己。",
    "Only active managers and admins manage a team: %(names)s.": "只有在职的主管和管理员可以管理团队：%(names)s。",
    "A team named “%(name)s” already exists.": "名为“%(name)s”的团队已存在。",
    "Calling hours must start before they end.": "可拨打时段的开始时间必须早于结束时间。",
    "Only admins create teams.": "只有管理员可以新建团队。",
    "Only admins change a team's settings and managers.": "只有管理员可以修改团队的设置和主管。",
    # pools and lost reasons
    "“%(name)s” is taken; pick another name.": "“%(name)s”已被使用；请换一个名称。",
    "Only admins create pools.": "只有管理员可以新建公海。",
    "Only admins change a pool's name, team, region, members or admins.": "只有管理员可以修改公海的名称、团队、地区、成员或公海管理员。",
    "Only admins edit lost reasons.": "只有管理员可以编辑流失原因。",
    "Lost reason not found.": "找不到该流失原因。",
    # dispositions
    "Only admins edit dispositions.": "只有管理员可以编辑通话结果。",
    "A disposition with the code “%(code)s” exists.": "代码为“%(code)s”的通话结果已存在。",
    "Disposition not found.": "找不到该通话结果。",
    "A sale is also a quote, and a quote also reached the customer: set those flags too.":
        "出单也算报价，报价也算联系到客户本人：请同时勾选这些标记。",
    # dialer sync
    "%(name)s “%(value)s” has no time zone offset; add one, e.g. 2026-03-10T10:15:00+08:00 or …Z for UTC.":
        "%(name)s“%(value)s”没有时区偏移；请加上，例如 2026-03-10T10:15:00+08:00，UTC 时间用 …Z。",
    "Unknown disposition “%(code)s”; the codes are: %(codes)s.": "未知的通话结果“%(code)s”；可用的代码有：%(codes)s。",
}
