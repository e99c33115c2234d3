"""The seeds' remedy for each weak driver (下属不能完成目标的对策), as data for kpis.domain.diagnose.

Seed 000, "下属不能完成目标的表现及对策" lists the causes; the remedies come from the same deck's
"思考1–5" slides (正解) and the bottleneck-period slide; margin control from seeds 001/003."""

REMEDIES: dict[str, dict[str, str]] = {
    "outbound_customers": {
        "problem": "Too few calls (客户呼出量不够)",
        "remedy": "少做与呼出无关的闲事；降低客均通话时长、减少客均通话次数（前提是销售技巧的提升）。"
        " Spend less time on work unrelated to calling; shorten talk time and calls per customer by improving sales skills.",
    },
    "effective_connect_rate": {
        "problem": "Poor lead data (资料整体性差)",
        "remedy": "不能浪费资料，别做猴子掰包谷的事情；今年的资料要好好管理，来年再使用连通率就高了。"
        " Do not waste leads: work every record fully and maintain the data so it connects next time.",
    },
    "accumulated_customers": {
        "problem": "Too few accumulated customers (客户积累不够)",
        "remedy": "要细水长流，必须天天积累客户；新客户开发要多，有播种才会有收获。"
        " Build the pipeline every day: open new customers daily so there is always someone to close.",
    },
    "quote_success_rate": {
        "problem": "Low quote rate (报价成功率低)",
        "remedy": "通过话术识别客户是否真的保了；学会强行报价，然后才有机会切入；朋友不等于专业。"
        " Use the script to check the customer's real situation and learn to quote anyway — a quote opens the door.",
    },
    "sales_success_rate": {
        "problem": "Low close rate (销售成功率低)",
        "remedy": "熟练掌握产品知识，用专业赢得客户；精通电销话术，用技巧争取客户；推销自我，用自身价值抢得客户。"
        " Master product knowledge and the call scripts, and sell yourself; dare to ask for the signature.",
    },
    "avg_premium": {
        "problem": "Low premium per customer (客均保费低)",
        "remedy": "提高三者保额，向客户大胆推销附加险，让客户明白足额投保的含义。"
        " Raise cover limits, offer riders confidently and explain full cover.",
    },
    "avg_margin_rate": {
        "problem": "Weak margin control (利润控制能力低)",
        "remedy": "不依靠价格战，细分用户群体，实行差异化营销；不要只追求销量而忽视利润率。"
        " Do not sell on discounts: segment customers, differentiate the offer, and watch the margin, not only volume.",
    },
}
