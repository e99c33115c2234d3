"""Simplified Chinese for new msgids, by (context, msgid); tools/translations.py fills the
catalogues from it. The Traditional text is the Simplified one converted with OpenCC (s2tw),
unless HANT below gives a reviewed wording (Taiwan usage differs)."""

HANS: dict[tuple[str | None, str], str] = {
    # team stages (accounts.TeamStage) and their guidance (coaching.domain.STAGES)
    (None, "Forming"): "磨合期",
    (None, "Storming"): "动荡期",
    (None, "Norming"): "稳定期",
    (None, "Performing"): "成熟期",
    (None, "Excited and nervous, unsure of their role, new to the product and the selling skills."):
        "兴奋又紧张，对自己的角色不确定，对产品和销售技巧还不熟悉。",
    (None, "Manage the process: control daily working behaviour closely."): "以过程管理为主、严格控制日常工作行为。",
    (None, "Give clear direction and targets; state what you expect of the team and of each rep."):
        "给出明确的方向和目标；说清对团队和每位业务员的期望。",
    (None, "Help the team get to know each other quickly."): "帮助团队成员尽快相互熟悉。",
    (None, "Train product knowledge, phone scripts, selling skills and the workflow; set the rules."):
        "培训产品知识、电话话术、销售技巧和工作流程；建立规章制度。",
    (None, "Build your authority and spot the promising reps."): "树立主管威信，发现有潜力的业务员。",
    (None, "Hidden problems surface: reps stop prospecting, results swing, doubts about the target."):
        "隐藏的问题开始暴露：业务员不再开发新客户，业绩起伏，对目标产生怀疑。",
    (None, "Talk with reps a lot; let them voice disagreements and take part in decisions."):
        "多与业务员沟通；让他们表达不同意见并参与决策。",
    (None, "Pick core members, delegate step by step with clearer responsibilities."): "选拔核心成员，逐步授权并明确职责。",
    (None, "Set role models and form groups for internal competition."): "树立榜样，分组开展内部竞赛。",
    (None, "Build cooperation, e.g. swap undecided prospects so reps feel the benefit of helping each other."):
        "建立协作，例如互换犹豫不决的客户，让业务员体会到互相帮助的好处。",
    (None, "Training, role-play drills and sharing of sales stories are essential now."):
        "此阶段培训、角色演练和销售案例分享必不可少。",
    (None, "Open atmosphere, targets agreed together, skills up, pipeline growing, results steadier."):
        "氛围开放，目标共同商定，技能提升，客户积累增加，业绩趋于稳定。",
    (None, "Build the team culture and let it shape the members."): "建设团队文化，用文化塑造成员。",
    (None, "Strengthen team spirit, cohesion and cooperation (team activities, outdoor training)."):
        "加强团队精神、凝聚力与协作（团队活动、户外拓展）。",
    (None, "Care more for your reps; help with problems at work and in life."): "多关心业务员，帮助解决工作和生活中的问题。",
    (None, "Be the team's coordinator and servant: happy work, happy life."): "做团队的协调者和服务者：快乐工作，快乐生活。",
    (None, "Stable results, strong belonging, skilled and confident reps who solve problems together."):
        "业绩稳定，归属感强，业务员技能娴熟、自信，能共同解决问题。",
    (None, "Pace change and refresh your methods; run the team on a shared vision and commitment, not control."):
        "把握变革节奏、更新管理方法；以共同愿景和承诺而非控制来带领团队。",
    (None, "Adjust targets and guide reps to set challenging goals of their own."): "调整目标，引导业务员为自己设定有挑战性的目标。",
    (None, "Monitor progress and coach rather than direct."): "跟踪进度，以辅导代替指挥。",
    (None, "Develop outstanding reps into the next leaders."): "把优秀业务员培养成下一批管理者。",
    # coaching
    (None, "No such person, or not one you may see."): "没有这个人员，或您无权查看。",
    (None, "Names in other languages: %(problem)s."): "其他语言的名称：%(problem)s。",
    (None, "Criteria (% of scale) by week"): "各评分项每周得分（占满分的百分比）",
    ("chart", "points lost"): "失分",
    ("chart", "cumulative share"): "累计占比",
    # funnel
    ("chart", "plan"): "计划",
    ("chart", "actual"): "实际",
    (None, "Healthy pyramid"): "最合理的客户状态分布（金字塔）",
    (None, "The ideal customer structure: each layer shrinks from the one above by its conversion rate. "
           "Keep topping every layer up in proportion and sales stay steady and continuous."):
        "比较理想的客户构成情况。如果每一层的客户按照转化率的比例递减，在出单中只需按照比例对每一层客户进行补充，"
        "就可以获得正常、连续的出单量。",
    (None, "Few sales, few potentials, customers piled up at C"): "出单不多、潜在客户不多，大量客户堆积在C类",
    (None, "Convert the agreeing (C) customers into orders as fast as possible, and at the same time add new "
           "potential customers to lay the ground for continuous sales."):
        "出单数量不多，潜在客户数量也不多，大量的客户堆积在C类。对于这种客户构成，需要尽快将C类认同客户转化为订单，"
        "同时也要补充潜在客户的数量，为持续出单打好基础。",
    (None, "Many sales and potentials, too few C"): "出单不少、潜在客户多，但C类不足（青黄不接）",
    (None, "Current orders look fine and there are many potentials, but with too few agreeing (C) customers the "
           "pipeline will run dry once the current orders close. Move potentials to intent quickly to keep sales "
           "flowing."):
        "现时出单的数量不少，同时也有大量的潜在客户。但由于C类客户数量不足，在现有出单完成后，容易出现青黄不接的情况。"
        "因此，需要尽快将大量的潜在客户转化为意向客户，保证出单正常流畅的进行。",
    (None, "C/D/E depleted after a closing run"): "出单之后C、D、E类客户减少",
    (None, "After the closing run the C, D and E layers have thinned out, so sales will fall off. While closing, "
           "add potential customers massively and work potentials and contacted customers up to agreeing and "
           "intent to keep sales continuous."):
        "随着出单的结束，由于后续C、D、E类客户的减少，出单量会越来越少。因此必须在出单的同时，大量增加潜在客户的数量，"
        "并努力将潜在客户和联系客户转化为认同客户和意向客户，保证出单的连续性。",
    (None, "Empty funnel"): "漏斗为空",
    (None, "There are no active customers in this funnel: add potential customers first."):
        "漏斗中没有在跟进的客户，请先大量增加潜在客户。",
    (None, "Sales target (policies sold)"): "出单目标（保单数）",
    (None, "Win rate (1/3, 33% or 0.33)"): "成交率（1/3、33% 或 0.33）",
    ("lead status", "Won"): "已出单",
    ("grade", "potential"): "潜在客户",
    ("grade", "contacted"): "联系客户",
    ("grade", "agreeing"): "认同客户",
    ("grade", "intent"): "意向客户",
    ("grade", "ready to buy"): "准备购买",
    ("funnel", "won"): "出单",
    ("funnel", "lost"): "流失",
    ("rate source", "typed"): "手工输入",
    ("rate source", "history"): "历史数据",
    ("rate source", "assumed"): "假定值",
    ("rate source", "actual"): "实际",
    ("rate source", "planned"): "计划",
    (None, "Weekly plan"): "每周计划（倒推法）",
    (None, "Weekly funnel plan, worked backwards from the target"): "每周漏斗计划（倒推法）",
    # kpis: drivers, chart names, remedies
    (None, "Outbound customers"): "呼出客户数",
    (None, "Effective connect rate"): "有效联通率",
    (None, "Quote success rate"): "报价成功率",
    (None, "Sales success rate"): "销售成功率",
    (None, "Average premium"): "客均保费",
    (None, "Average margin rate"): "平均利润率",
    (None, "Accumulated intent customers"): "客户积累",
    ("chart", "Outbound customers"): "呼出客户数",
    ("chart", "Connect rate"): "联通率",
    ("chart", "Quote rate"): "报价率",
    ("chart", "Close rate"): "成交率",
    ("chart", "Avg premium"): "客均保费",
    ("chart", "Margin rate"): "利润率",
    ("chart", "Margin"): "利润",
    (None, "You (% of team median)"): "本人（团队中位数的百分比）",
    (None, "Team top quartile"): "团队前四分之一",
    (None, "% of team median"): "团队中位数的百分比",
    (None, "Too few calls"): "客户呼出量不够",
    (None, "Spend less time on work unrelated to calling; shorten talk time and calls per customer by "
           "improving sales skills."):
        "少做与呼出无关的闲事；降低客均通话时长、减少客均通话次数（前提是销售技巧的提升）。",
    (None, "Poor lead data"): "资料整体性差",
    (None, "Do not waste leads: work every record fully and maintain this year's data so it connects better "
           "next year."):
        "不能浪费资料，别做猴子掰包谷的事情；今年的资料要好好管理，来年再使用连通率就高了。",
    (None, "Too few accumulated customers"): "客户积累不够",
    (None, "Build the pipeline every day: open many new customers daily — no sowing, no harvest."):
        "要细水长流，必须天天积累客户；新客户开发要多，有播种才会有收获。",
    (None, "Low quote rate"): "报价成功率低",
    (None, "Use the script to check whether the customer is really insured, and learn to quote anyway — a "
           "quote opens the door; being friendly is not being professional."):
        "通过话术识别客户是否真的保了；学会强行报价，然后才有机会切入；朋友不等于专业。",
    (None, "Low close rate"): "销售成功率低",
    (None, "Master product knowledge to win customers with expertise, master the call scripts to win them "
           "with skill, and sell yourself to win them with your own value."):
        "熟练掌握产品知识，用专业赢得客户；精通电销话术，用技巧争取客户；推销自我，用自身价值抢得客户。",
    (None, "Low premium per customer"): "客均保费低",
    (None, "Raise third-party cover limits, offer riders confidently and explain what full cover means."):
        "提高三者保额，向客户大胆推销附加险，让客户明白足额投保的含义。",
    (None, "Weak margin control"): "利润控制能力低",
    (None, "Do not rely on price wars: segment customers and differentiate the offer; do not chase volume "
           "and forget the margin."):
        "不依靠价格战，细分用户群体，实行差异化营销；不要只追求销量而忽视利润率。",
    (None, "Rates change in percentage points (pp); — where a rate has no customers to count or the earlier "
           "value is zero."):
        "比率的变化以百分点（pp）计；比率没有可计客户或之前的值为零时显示“—”。",
    (None, "%(driver)s: enter a percentage such as 10."): "%(driver)s：请输入百分比，例如 10。",
    (None, "%(driver)s: between -100 and 1000 percent."): "%(driver)s：须在 -100%% 到 1000%% 之间。",
    # leads
    (None, "no real contact for %(days)s days (grade %(grade)s)"): "%(days)s 天没有有效联系（%(grade)s 类）",
    (None, "no grade progress for %(days)s days"): "%(days)s 天等级没有提升",
    (None, "not called within %(hours)s hours of being claimed"): "领取后 %(hours)s 小时内未拨打",
    (None, "E · potential"): "E · 潜在客户",
    (None, "D · contacted"): "D · 联系客户",
    (None, "C · agreeing"): "C · 认同客户",
    (None, "B · intent"): "B · 意向客户",
    (None, "A · ready to buy"): "A · 准备购买",
    (None, "Appeal the collision"): "撞单申诉",
    (None, "name in other languages"): "其他语言的名称",
    (None, '{"zh-hans": "…", "zh-hant": "…"}; empty: the name is shown in every language.'):
        '{"zh-hans": "…", "zh-hant": "…"}；留空则所有语言都显示同一名称。',
    # targets
    ("chart", "target"): "目标",
    ("chart", "pace"): "进度",
    (None, "People"): "人员能力",
    (None, "Process"): "流程设计",
    (None, "Customer quality"): "客户质量",
    (None, "Tools"): "工具支持",
    (None, "Environment"): "外部环境",
    (None, "people"): "人员能力",
    (None, "process"): "流程设计",
    (None, "customer quality"): "客户质量",
    (None, "tools"): "工具支持",
    (None, "environment"): "外部环境",
    (None, "Below % of daily pace"): "低于每日进度的百分比",
    (None, "Policies sold"): "成功出单",
    (None, "New customers"): "新增客户",
    (None, "Tick for a weekend day that is worked (a make-up working day)."): "勾选表示该周末为工作日（调休）。",
    (None, "%(owner)s: %(days)s working days (%(start)s–%(end)s) below %(threshold)s of the daily %(metric)s pace"):
        "%(owner)s：连续 %(days)s 个工作日（%(start)s–%(end)s）低于%(metric)s日进度的 %(threshold)s",
    (None, "%(days)s working days below %(threshold)s of %(metric)s pace"):
        "连续 %(days)s 个工作日低于%(metric)s日进度的 %(threshold)s",
    (None, "Target alert: %(owner)s"): "目标预警：%(owner)s",
    (None, "Plan the funnel backwards for this target"): "为此目标倒推销售漏斗（倒推法）",
    (None, "uplift (%(p)s: aim high to land in the middle)"): "上浮（%(p)s，求其上得其中）",
    ("target tier", "base"): "基础档",
    ("target tier", "challenge"): "挑战档",
    ("target tier", "excellence"): "卓越档",
    ("rates from", "own history"): "本人历史",
    ("rates from", "the team"): "团队",
    ("rates from", "the company"): "公司",
    (None, "Stretch: %(pct)s%% over the best comparable period in history."):
        "挑战目标：比历史上最好的可比周期高 %(pct)s%%。",
    (None, "%(pct)s%% against the best comparable period in history."): "与历史上最好的可比周期相比 %(pct)s%%。",
    (None, "No comparable history for this owner; the target cannot be checked for attainability."):
        "该负责人没有可比的历史数据，无法检查目标能否达成。",
}

# Reviewed Traditional wording where Taiwan usage differs from a character-by-character conversion.
HANT: dict[tuple[str | None, str], str] = {
    ("rate source", "typed"): "手動輸入",
    ("rate source", "history"): "歷史資料",
    (None, "Rates change in percentage points (pp); — where a rate has no customers to count or the earlier "
           "value is zero."):
        "比率的變化以百分點（pp）計；比率沒有可計客戶或之前的值為零時顯示「—」。",
    (None, "Names in other languages: %(problem)s."): "其他語言的名稱：%(problem)s。",
    (None, "name in other languages"): "其他語言的名稱",
    (None, '{"zh-hans": "…", "zh-hant": "…"}; empty: the name is shown in every language.'):
        '{"zh-hans": "…", "zh-hant": "…"}；留空則所有語言都顯示同一名稱。',
    (None, "Train product knowledge, phone scripts, selling skills and the workflow; set the rules."):
        "培訓產品知識、電話話術、銷售技巧和工作流程；建立規章制度。",
}

# Messages of services' refusals (domain errors), shown on pages and in API errors.
ERRORS: dict[str, str] = {
    "A token named “%(name)s” already exists; revoke it or pick another name.": "已有名为“%(name)s”的令牌；请先吊销它或换一个名称。",
    "Start the plan within a year of today.": "计划须在今天起一年内开始。",
    "Team not found.": "找不到该团队。",
    "Scorecard not found.": "找不到该评分表。",
    "Reviewer not found.": "找不到该评审人。",
    "Sampling plan not found.": "找不到该抽检计划。",
    "Sampled call not found.": "找不到该抽检通话。",
    "Review assignment not found.": "找不到该评审任务。",
    "Improvement plan not found.": "找不到该改进计划。",
    "Note not found.": "找不到该记录。",
    "Only managers and admins can do this.": "只有主管和管理员可以执行此操作。",
    "You do not manage this team.": "您不是该团队的主管。",
    "An improvement plan has 3 to 5 SMART items.": "改进计划需要 3 到 5 条 SMART 事项。",
    "Item %(n)s: say what, how it is measured and the target (SMART).": "第 %(n)s 条：请写明做什么、如何衡量以及目标值（SMART）。",
    "Item %(n)s: the due date must fall within the plan (%(start)s – %(review_date)s).":
        "第 %(n)s 条：截止日期须在计划期内（%(start)s – %(review_date)s）。",
    "Only the rep's manager or an admin can start an improvement plan.": "只有业务员的主管或管理员可以发起改进计划。",
    "Improvement plans are for reps.": "改进计划只适用于业务员。",
    "Source must be diagnosis, qa or manual.": "来源须为 diagnosis（诊断）、qa（质检）或 manual（手工）。",
    "Support must be training, side_by_side or mentor.": "支持方式须为 training（培训）、side_by_side（陪同）或 mentor（导师）。",
    "Check in every 1 to 30 days.": "跟进间隔须为 1 到 30 天。",
    "Give the plan a title.": "请填写计划标题。",
    "%(display_name)s already has an open improvement plan; close it first.": "%(display_name)s 已有进行中的改进计划，请先结束它。",
    "Only the rep can acknowledge their own plan.": "只有业务员本人可以确认自己的计划。",
    "Your manager records check-ins and the outcome.": "跟进记录和结果由您的主管填写。",
    "This plan is closed.": "该计划已结束。",
    "Write a progress note.": "请填写进展说明。",
    "A check-in date lies between the plan's start and today.": "跟进日期须在计划开始日和今天之间。",
    "This plan is already closed.": "该计划已经结束。",
    "Outcome must be met, extended or not_met.": "结果须为 met（达成）、extended（延期）或 not_met（未达成）。",
    "The review is due on %(review_date)s; only “met” can be recorded earlier.": "评估日期为 %(review_date)s；在此之前只能记录“达成”。",
    "Only the rep's manager or an admin writes one-to-one notes.": "只有业务员的主管或管理员可以写一对一面谈记录。",
    "Fill in situation, behaviour and impact.": "请填写情境、行为和影响。",
    "Your manager adds the follow-up tasks.": "后续任务由您的主管添加。",
    "Describe the action.": "请描述要做的事。",
    "The due date cannot be before the one-to-one.": "截止日期不能早于面谈日期。",
    "The owner must be the rep or one of their managers.": "负责人须为该业务员或其主管。",
    "Action item not found.": "找不到该任务。",
    "Stage must be forming, storming, norming or performing (or empty for automatic).":
        "阶段须为 forming（磨合期）、storming（动荡期）、norming（稳定期）或 performing（成熟期），留空则自动判断。",
    "Weight of “%(name)s” must be a number.": "“%(name)s”的权重必须是数字。",
    "Every criterion needs a key and a name.": "每个评分项都需要代码和名称。",
    "Weight of “%(name)s” must be above zero.": "“%(name)s”的权重必须大于零。",
    "Scale of “%(name)s” must be from 1 to 100.": "“%(name)s”的满分须在 1 到 100 之间。",
    "Pass score of “%(name)s” must be within its scale.": "“%(name)s”的及格分须在满分范围内。",
    "Add at least one criterion.": "请至少添加一个评分项。",
    "Criterion keys must be unique.": "评分项代码不能重复。",
    "%(label)s must be a number.": "%(label)s必须是数字。",
    "%(label)s must be from 0 to 100.": "%(label)s须在 0 到 100 之间。",
    "Only admins create scorecards for every team; pick your team.": "只有管理员可以创建适用于所有团队的评分表；请选择您的团队。",
    "Only admins edit company-wide scorecards.": "只有管理员可以修改全公司的评分表。",
    "That scorecard belongs to another team.": "该评分表属于其他团队。",
    "%(capitalize)s must be between 0 and 1.": "%(capitalize)s须在 0 到 1 之间。",
    "This sampling plan is paused; activate it first.": "该抽检计划已暂停，请先启用。",
    "Call not found.": "找不到该通话。",
    "You can only sample calls of reps you manage.": "您只能抽检您所管理业务员的通话。",
    "This call has already been sampled for review.": "该通话已被抽检。",
    "You can only assign reviewers for reps you manage.": "您只能为您所管理的业务员指派评审人。",
    "A rep cannot review their own call; pick another reviewer.": "业务员不能评审自己的通话，请另选评审人。",
    "That reviewer is deactivated.": "该评审人已停用。",
    "All reviews are in for this call; it cannot take another reviewer.": "该通话的评审已全部完成，不能再增加评审人。",
    "That reviewer is already assigned to this call.": "该评审人已被指派到这通电话。",
    "You cannot review your own call.": "您不能评审自己的通话。",
    "You have already scored this call.": "您已经给这通电话打过分了。",
    "Give team=<id>: you are not on a team.": "请指定 team=<id>：您不属于任何团队。",
    "No such rep in this team, or not one you may see.": "该团队中没有这个业务员，或您无权查看。",
    "Give rep=<id> or team=<id> to simulate.": "请指定 rep=<id> 或 team=<id> 进行模拟。",
    "No such rep, or not one you may see.": "没有这个业务员，或您无权查看。",
    "Unknown grade “%(new_grade)s”; use one of E, D, C, B, A.": "未知等级“%(new_grade)s”；请使用 E、D、C、B、A 之一。",
    "Unknown status “%(new_status)s”.": "未知状态“%(new_status)s”。",
    "Lead not found.": "找不到该客户。",
    "User not found.": "找不到该用户。",
    "Only admins can deactivate users.": "只有管理员可以停用用户。",
    "Explain why the customer should be yours.": "请说明为什么这个客户应归您所有。",
    "You already hold this lead.": "该客户已在您名下。",
    "The lead is in the public pool; claim it instead.": "该客户在公海中，请直接领取。",
    "You already have a pending appeal for this lead.": "您对该客户已有待处理的申诉。",
    "Appeal not found.": "找不到该申诉。",
    "Only a manager of the reps involved or an admin can decide an appeal.": "只有相关业务员的主管或管理员可以处理申诉。",
    "This appeal was already %(lower)s.": "该申诉已经处理（%(lower)s）。",
    "%(display_name)s is deactivated.": "%(display_name)s 已停用。",
    "An integration account cannot claim, release, lock or appeal for leads.": "系统集成账号不能领取、释放、锁定客户或提出申诉。",
    "A lead needs a name.": "客户需要填写名称。",
    "Unknown grade “%(grade)s”; use one of E, D, C, B, A.": "未知等级“%(grade)s”；请使用 E、D、C、B、A 之一。",
    "Choose the public pool to put a lead nobody holds in.": "没有负责人的客户需要选择放入哪个公海。",
    "Pool not found.": "找不到该公海。",
    "You can only give new leads to reps you manage.": "您只能把新客户分配给您所管理的业务员。",
    "Only the lead's owner, their manager or an admin can edit it.": "只有客户的负责人、其主管或管理员可以修改。",
    "“%(key)s” cannot be edited here.": "“%(key)s”不能在这里修改。",
    "Unknown mode “%(mode)s”; use one of %(join)s.": "未知方式“%(mode)s”；请使用以下之一：%(join)s。",
    "Distribution by region needs a region.": "按地区分配需要指定地区。",
    "Only admins, the pool's admins and its teams' managers can distribute leads.": "只有管理员、公海管理员及其团队主管可以分配客户。",
    "You can only distribute leads to reps you manage.": "您只能把客户分配给您所管理的业务员。",
    "None of the chosen reps is active and accepting distribution.": "所选业务员中没有在职且接受分配的人。",
    "Unknown hand-over mode “%(mode)s”; use user, team or pool.": "未知交接方式“%(mode)s”；请使用 user（人员）、team（团队）或 pool（公海）。",
    "The rep to hand over to was not found.": "找不到接手的业务员。",
    "Hand over to an active rep other than the one leaving.": "请交接给离职者以外的在职业务员。",
    "The team has no active rep to hand over to.": "该团队没有可以接手的在职业务员。",
    "You cannot deactivate yourself.": "您不能停用自己。",
    "Choose the team that takes the leads over.": "请选择接手客户的团队。",
    'Give return days per grade (E, D, C, B, A), e.g. {"E": 7, "A": 30}.': '请按等级（E、D、C、B、A）填写回收天数，例如 {"E": 7, "A": 30}。',
    "Return days for grade %(grade)s must be a whole number from 0 to %(max_return_days)s.":
        "%(grade)s 类的回收天数须为 0 到 %(max_return_days)s 之间的整数。",
    "Only admins and the pool's admins can change its rules.": "只有管理员和公海管理员可以修改公海规则。",
    "“%(unknown)s” is not a pool rule.": "“%(unknown)s”不是公海规则。",
    "%(display_name)s is deactivated; choose an active rep.": "%(display_name)s 已停用，请选择在职业务员。",
    "You can only reassign leads to reps you manage.": "您只能把客户转给您所管理的业务员。",
    "You can only hand out leads of pools you manage.": "您只能分配您所管理公海中的客户。",
    "Say why you release the lead.": "请说明释放该客户的原因。",
    "The lead is already in the public pool.": "该客户已在公海中。",
    "Only the lead's owner, their manager or an admin can release it.": "只有客户的负责人、其主管或管理员可以释放。",
    "The lead changed hands a moment ago; reload it and try again.": "该客户刚刚换了负责人，请刷新后重试。",
    "Only a held lead can be locked.": "只有有负责人的客户才能锁定。",
    "Only the lead's owner, their manager or an admin can lock it.": "只有客户的负责人、其主管或管理员可以锁定。",
    "Only admins, and managers for their teams' leads and pools, can reveal phone numbers.":
        "只有管理员，以及主管（针对本团队的客户和公海）可以查看完整号码。",
    "Split over time by: %(join)s.": "按时间分解的方式：%(join)s。",
    "Share over people by: %(join)s.": "按人员分配的方式：%(join)s。",
    "No such target.": "没有这个目标。",
    "No such alert.": "没有这个预警。",
    "Choose a metric the system measures.": "请选择系统可以统计的指标。",
    "The threshold is a percentage of the daily pace between 1 and 200.": "阈值是日进度的百分比，须在 1 到 200 之间。",
    "Consecutive days must be between 1 and 31.": "连续天数须在 1 到 31 之间。",
    "Managers add rules for a team they manage.": "主管只能为自己管理的团队添加规则。",
    "You can only add rules for the teams you manage.": "您只能为您所管理的团队添加规则。",
    "Only the team's managers and admins act on its alerts.": "只有团队主管和管理员可以处理该团队的预警。",
    "This alert has already been acknowledged.": "该预警已被确认。",
    "Unknown fields: %(join)s.": "未知字段：%(join)s。",
    "Name the cause in at least one dimension: people, process, customer quality, tools or environment.":
        "请至少在一个维度写明原因：人员能力、流程设计、客户质量、工具支持或外部环境。",
    "A target's value must be greater than zero.": "目标值必须大于零。",
    "The value is too large.": "数值太大。",
    "A %(metric)s target is counted in %(unit)s; %(value)s is not.": "%(metric)s目标以%(unit)s计，%(value)s 不符合。",
    "Only admins change company targets.": "只有管理员可以修改公司目标。",
    "You can only change targets of the teams and reps you manage.": "您只能修改您所管理团队和业务员的目标。",
    "This target is already decomposed; revise it, or decompose again with replace.": "该目标已经分解；请修订它，或选择“替换”重新分解。",
    "Its parts are decomposed further; remove those first.": "它的子目标已被进一步分解，请先删除这些分解。",
    "A week target cannot be split further over time.": "周目标不能再按时间分解。",
    "A %(period_kind)s target splits into shorter periods, not %(into)s.": "%(period_kind)s目标只能分解为更短的周期，不能分解为%(into)s。",
    "Choose a split method: %(join)s.": "请选择分解方式：%(join)s。",
    "Seasonality needs a weight for each month (1–12).": "季节性分解需要为每个月（1–12）填写权重。",
    "Seasonality months are numbered 1–12.": "季节性分解的月份编号为 1–12。",
    "Seasonality months are 1–12 with weights of zero or more.": "季节性分解的月份为 1–12，权重须大于或等于零。",
    "A part would duplicate a target that already exists for the same owner, metric and period; revise or remove that target first.":
        "某个子目标与同一负责人、指标和周期的已有目标重复；请先修订或删除那个目标。",
    "A rep target cannot be split over people; split it over time instead.": "业务员目标不能按人员分解，请按时间分解。",
    "Choose how to share: %(join)s.": "请选择分配方式：%(join)s。",
    "Type a weight for each person.": "请为每个人填写权重。",
    "Weights cannot be negative.": "权重不能为负数。",
    "Not part of this target's team: %(join)s.": "不属于该目标的团队：%(join)s。",
    "At least one weight must be above zero.": "至少要有一个权重大于零。",
    "Tenure shares are for reps; share a company target by history, capacity or typed weights.":
        "按司龄分配只适用于业务员；公司目标请按历史业绩、产能或手工权重分配。",
    "There is nobody to hand this target to.": "没有可以承接这个目标的人。",
    "The uplift must be between 0 and 200%.": "上浮比例须在 0 到 200% 之间。",
    "Give a reason: forecast wrong, major external change or major internal change.": "请选择原因：预测有误、重大外部变化或重大内部变化。",
    "The new value is the same as the current one.": "新值与当前值相同。",
    "Unknown metric %(metric)s; choose one the system measures: %(join)s.": "未知指标 %(metric)s；请选择系统可以统计的指标：%(join)s。",
    "Choose a period: year, quarter, month or week.": "请选择周期：年、季度、月或周。",
    "%(owner)s already has a %(label)s target for %(start)s – %(end)s; revise that one instead of adding another.":
        "%(owner)s 在 %(start)s – %(end)s 已有%(label)s目标；请修订该目标，不要再新增。",
    "Choose an owner: company, team or rep.": "请选择负责人：公司、团队或业务员。",
    "A team target needs a team.": "团队目标需要指定团队。",
    "A rep target needs a rep.": "业务员目标需要指定业务员。",
    "%(display_name)s is not an active rep.": "%(display_name)s 不是在职业务员。",
    "Only admins set company targets.": "只有管理员可以设定公司目标。",
    "You can only set targets for the teams and reps you manage.": "您只能为您所管理的团队和业务员设定目标。",
    "A target must measure the same metric as its parent.": "子目标必须与上级目标使用同一指标。",
    "The period lies outside the parent target's period.": "该周期不在上级目标的周期内。",
    "Tier levels and coefficients cannot be negative.": "档位和系数不能为负数。",
    "These cannot be changed here: %(join)s. Revise the value instead.": "以下内容不能在这里修改：%(join)s。请改为修订目标值。",
    "This target has parts; remove them first.": "该目标已有子目标，请先删除它们。",
}
HANS.update({(None, msgid): text for msgid, text in ERRORS.items()})

HANS[(None, 'JSON, field → column header, e.g. <code>{"phone": "手机", "name": "姓名"}</code>. Common headers are found '
      'automatically.')] = 'JSON 格式，字段 → 列标题，例如 <code>{"phone": "手机", "name": "姓名"}</code>。常见列标题会自动识别。'
HANT[(None, 'JSON, field → column header, e.g. <code>{"phone": "手机", "name": "姓名"}</code>. Common headers are found '
      'automatically.')] = 'JSON 格式，欄位 → 欄位標題，例如 <code>{"phone": "手機", "name": "姓名"}</code>。常見標題會自動辨識。'

HANS.update({(None, msgid): text for msgid, text in {
    "The token's user is deactivated.": "该令牌的用户已停用。",
    "Give either rep or team, not both.": "请指定业务员或团队，不能同时指定。",
    "end must not be before start.": "结束日期不能早于开始日期。",
    "The period can be at most ten years.": "周期最长为十年。",
    "The win rate must be between 0.01% and 100%.": "成交率须在 0.01% 到 100% 之间。",
    "The team view is for managers.": "团队视图仅供主管使用。",
    "Unknown driver(s): %(join)s. Use: %(join2)s.": "未知驱动因素：%(join)s。可用：%(join2)s。",
    "No such dashboard.": "没有这个看板。",
    "Unknown table; choose one of: %(join)s.": "未知表格；请选择以下之一：%(join)s。",
    "KPI recompute started; refresh to see it in the list.": "已开始重新计算业绩指标；刷新页面即可在列表中看到。",
    "The team what-if is for managers.": "团队模拟销售仅供主管使用。",
    "Mapping is an object of field -> column header.": "映射须为“字段 → 列标题”的对象。",
    "At most %(max_attributes)s attributes.": "最多 %(max_attributes)s 个属性。",
}.items()})

HANS[(None, "e.g. <code>age_band</code>: lower-case letters, digits and underscores; it cannot change.")] = \
    "例如 <code>age_band</code>：小写字母、数字和下划线；创建后不能更改。"
HANS[(None, "running…")] = "运行中…"
HANS[(None, "%(ms)s ms")] = "%(ms)s 毫秒"
HANS[(None, "Full rebuild")] = "全量重算"
HANS[(None, "Rebuild since a day")] = "从某日起重算"
HANS[(None, "Incremental")] = "增量计算"
HANS[(None, "Give a JSON object of language code → label.")] = "请提供“语言代码 → 名称”的 JSON 对象。"
HANS[(None, "Unknown language “%(code)s”; use one of %(languages)s.")] = "未知语言“%(code)s”；请使用以下之一：%(languages)s。"
HANS[(None, "The label for %(code)s must be text.")] = "%(code)s 的名称必须是文本。"

# The work queue, click-to-dial, collisions and appeals, jobs and database faults (session 3).
HANS.update({(None, msgid): text for msgid, text in {
    "Start the dialer URL with one of: %(schemes)s.": "拨号地址须以下列之一开头：%(schemes)s。",
    "Put {e164} (or {digits}) where the phone number goes.": "请在电话号码的位置写 {e164}（或 {digits}）。",
    "Only {e164} and {digits} may appear in braces, and no spaces.": "花括号中只能是 {e164} 或 {digits}，且不能有空格。",
    "dialer URL template": "拨号地址模板",
    "Empty for tel: links; else e.g. sip:{e164} or https://dialer.example/call?n={e164}.":
        "留空则使用 tel: 链接；否则例如 sip:{e164} 或 https://dialer.example/call?n={e164}。",
    "No such team.": "没有这个团队。",
    "Only the team's managers and admins set its dialer.": "只有本团队的经理和管理员可以设置拨号方式。",
    "The dialer URL template is at most 300 characters.": "拨号地址模板最多 300 个字符。",
    "Click-to-dial": "点击拨号",
    "Dialer URL template": "拨号地址模板",
    "Empty for tel: links; else e.g. sip:{e164} or https://dialer.example/call?n={e164}":
        "留空则使用 tel: 链接；否则例如 sip:{e164} 或 https://dialer.example/call?n={e164}",
    "Dialer of “%(team)s” saved.": "已保存“%(team)s”的拨号方式。",
    "Say what the next call is for (or write a note).": "请说明下次通话的目的（或写一条备注）。",
    "Not a good time for this customer": "现在不是联系该客户的好时机",
    "Need information first": "需要先准备资料",
    "A colleague should call": "应由同事拨打",
    "Other (say why in the note)": "其他（请在备注中说明）",
    "Why skip?": "为什么跳过？",
    "Say why you skip this customer.": "请说明跳过该客户的原因。",
    "(press the key)": "（按对应键）",
    "Cancel": "取消",
    "Skip": "跳过",
    "Pause": "暂停",
    "Keys: 1–0 outcome · N note · G grade · F follow-up · D dial · Enter saves · Esc cancels":
        "按键：1–0 通话结果 · N 备注 · G 等级 · F 跟进 · D 拨号 · Enter 保存 · Esc 取消",
    "S skip · P pause": "S 跳过 · P 暂停",
    "Attempts": "尝试次数",
    "Logged %(name)s: %(outcome)s · grade %(grade)s": "已记录 %(name)s：%(outcome)s · 等级 %(grade)s",
    "next follow-up": "下次跟进",
    "Done today: %(done)s · left: %(f)s follow-ups, %(c)s callbacks, %(n)s new":
        "今日已完成：%(done)s · 剩余：%(f)s 个跟进、%(c)s 个回电、%(n)s 个新客户",
    "Paused.": "已暂停。",
    "The queue waits where you left it.": "队列停在您离开的位置。",
    "Resume": "继续",
    "Follow-up due": "到期跟进",
    "Callback": "约定回电",
    "New lead from the pool": "来自公海的新客户",
    "Save & next": "保存并下一个",
    "Back": "返回",
    "Nothing due right now: no follow-ups, callbacks or new leads of yours are waiting.":
        "目前没有待办：您没有等待中的跟进、回电或新客户。",
    "Take the next lead from the pool": "从公海领取下一个客户",
    "Start calling": "开始拨打",
    "one customer after another, by keyboard": "用键盘逐个拨打客户",
    "work queue": "工作队列",
    "Your place in the queue is kept: reload, or continue on another device.":
        "您在队列中的位置会被保留：可刷新页面，或在其他设备上继续。",
    "Criteria (% of scale) by week": "各评分项目得分（占满分 %）按周",
    "Win rate (1/3, 33% or 0.33)": "成交率（1/3、33% 或 0.33）",
    "You (% of team median)": "您（占团队中位数 %）",
    "% of team median": "占团队中位数 %",
    "Approve": "批准",
    "Reject": "驳回",
    "The file could not be read as a .csv or .xlsx table (%(kind)s).": "无法将文件读取为 .csv 或 .xlsx 表格（%(kind)s）。",
    "it ran longer than the time limit of %(minutes)s minutes": "运行时间超过了 %(minutes)s 分钟的上限",
    "an unexpected error (reference %(ref)s)": "意外错误（参考编号 %(ref)s）",
    "The import stopped: %(reason)s. No row was imported; start the import again.":
        "导入已停止：%(reason)s。没有导入任何行；请重新开始导入。",
    "The import stopped: %(reason)s. Rows 2–%(last)s were imported completely (in whole chunks); rows %(next)s–%(end)s were not. Import the file again: the rows already imported will be reported as existing numbers.":
        "导入已停止：%(reason)s。第 2–%(last)s 行已完整导入（按整批）；第 %(next)s–%(end)s 行未导入。请再次导入该文件：已导入的行会报告为已存在的号码。",
    "Appeals": "撞单申诉",
    "any status": "任意状态",
    "Asked by": "申请人",
    "Held by": "持有人",
    "note (optional)": "备注（可选）",
    "No appeals.": "没有申诉。",
    "This customer already exists": "该客户已存在",
    "nobody: it is in the public pool": "无人：该客户在公海中",
    "Open the lead": "打开客户",
    "Your appeal of %(when)s is waiting for a manager.": "您于 %(when)s 提交的申诉正在等待经理处理。",
    "Why is this customer yours? A manager of the reps involved decides.": "为什么这个客户属于您？由相关业务员的经理裁定。",
    "Appeal (撞单申诉)": "撞单申诉",
    "Your appeals for this customer": "您对该客户的申诉",
    "Open it": "打开",
    "See it and appeal": "查看并申诉",
    "See it and claim": "查看并领取",
    "Dial (D): starts the call timer": "拨号（D）：开始通话计时",
    "Choose approve or reject.": "请选择批准或驳回。",
    "Appeal approved: the lead moved.": "申诉已批准：客户已转移。",
    "Appeal rejected.": "申诉已驳回。",
    "Below % of daily pace": "低于每日进度的 %",
    "The job queue is not reachable right now. Try again in a minute.": "任务队列暂时无法连接，请一分钟后再试。",
    "The records are busy with another change. Try again in a few seconds.": "记录正被另一项修改占用，请几秒后再试。",
    "The database is not reachable right now. Try again shortly.": "数据库暂时无法连接，请稍后再试。",
    "Try again shortly": "请稍后再试",
    "Reload the page": "重新加载页面",
}.items()})

HANS[(None, 'Send {"calls": [...]} with a list of call records.')] = '请发送 {"calls": [...]}，其中是通话记录的列表。'
HANS[(None, "`from` (%(start)s) must be on or before `to` (%(end)s).")] = "`from`（%(start)s）必须不晚于 `to`（%(end)s）。"


def _load_parts() -> None:
    """Each module in tools/glossary/ adds its own strings: HANS (and optionally HANT), keyed by msgid
    or by (msgctxt, msgid). Separate files let parallel work add translations without merge conflicts."""
    import importlib.util
    from pathlib import Path

    for path in sorted((Path(__file__).parent / "glossary").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"zh_glossary_part_{path.stem}", path)
        part = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(part)
        for target, source in ((HANS, getattr(part, "HANS", {})), (HANT, getattr(part, "HANT", {}))):
            target.update({(k if isinstance(k, tuple) else (None, k)): v for k, v in source.items()})


_load_parts()
