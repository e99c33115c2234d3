"""Fill zh_Hans / zh_Hant .po files from the glossary below, then compile.

Usage: .venv/bin/python manage.py makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=bench
       .venv/bin/python tools/translations.py && .venv/bin/python manage.py compilemessages --ignore=.venv
Only empty entries are filled; hand-written translations are kept."""

import re
from pathlib import Path

# English → (简体, 繁體). Domain words follow the seeds' vocabulary.
GLOSSARY = {
    "English": ("English", "English"),
    "Telesales CRM": ("电销客户管理", "電銷客戶管理"),
    "Main": ("主导航", "主導航"),
    "Language": ("语言", "語言"),
    "Sign in": ("登录", "登入"),
    "Sign out": ("退出", "登出"),
    "Username": ("用户名", "使用者名稱"),
    "Password": ("密码", "密碼"),
    "Your username and password didn't match, or the account is deactivated. Please try again.": (
        "用户名或密码不正确，或账号已停用，请重试。", "使用者名稱或密碼不正確，或帳號已停用，請重試。"),
    "Call plan": ("每日电话计划", "每日電話計劃"),
    "Leads": ("客户", "客戶"),
    "KPIs": ("业绩指标", "業績指標"),
    "Funnel": ("销售漏斗", "銷售漏斗"),
    "Targets": ("目标", "目標"),
    "Coaching": ("辅导", "輔導"),
    "Team": ("团队", "團隊"),
    "Teams": ("团队", "團隊"),
    "Admin": ("管理", "管理"),
    "Home": ("首页", "首頁"),
    "Managers": ("主管", "主管"),
    "Founded": ("成立日期", "成立日期"),
    "Reps": ("业务员", "業務員"),
    "Name": ("姓名", "姓名"),
    "Login": ("登录名", "登入名"),
    "Status": ("状态", "狀態"),
    "active": ("在职", "在職"),
    "deactivated": ("已停用", "已停用"),
    "Coming soon.": ("即将推出。", "即將推出。"),
    "Rep": ("业务员", "業務員"),
    "Manager": ("主管", "主管"),
    "Integration": ("系统集成", "系統整合"),
    "Welcome, %(name)s": ("欢迎，%(name)s", "歡迎，%(name)s"),
    "Public pool": ("公海", "公海"),
    "My leads": ("我的客户（私海）", "我的客戶（私海）"),
    "Claim": ("领取", "領取"),
    "Release": ("释放", "釋放"),
    "Next lead": ("下一个客户", "下一個客戶"),
    "Phone": ("电话", "電話"),
    "Company": ("公司", "公司"),
    "Region": ("地区", "地區"),
    "Source": ("来源", "來源"),
    "Grade": ("等级", "等級"),
    "Owner": ("负责人", "負責人"),
    "Notes": ("备注", "備註"),
    "Duration": ("通话时长", "通話時長"),
    "Disposition": ("通话结果", "通話結果"),
    "Next follow-up": ("下次跟进", "下次跟進"),
    "Purpose": ("目的", "目的"),
    "Save": ("保存", "儲存"),
    "Log call": ("记录通话", "記錄通話"),
    "Overdue": ("已逾期", "已逾期"),
    "Today": ("今天", "今天"),
    "Import": ("导入", "匯入"),
    "Export": ("导出", "匯出"),
    "Search": ("搜索", "搜尋"),
    "Filter": ("筛选", "篩選"),
    "Calls": ("通话", "通話"),
    "Premium": ("保费", "保費"),
    "Margin": ("利润", "利潤"),
    "Daily work report": ("每日工作报告", "每日工作報告"),
    "Leaderboard": ("业绩排行榜", "業績排行榜"),
    "Diagnosis": ("诊断", "診斷"),
    "What-if": ("模拟销售", "模擬銷售"),
    "Progress": ("进度", "進度"),
    "Alerts": ("异常预警", "異常預警"),
    "Revisions": ("修订记录", "修訂記錄"),
    "Scorecards": ("质检评分表", "質檢評分表"),
    "Improvement plans": ("绩效改进计划", "績效改進計劃"),
    "One-to-ones": ("一对一面谈", "一對一面談"),
}

ENTRY = re.compile(r'(msgid "((?:[^"\\]|\\.)*)"\nmsgstr )""', re.M)


def fill(path: Path, index: int) -> int:
    text = path.read_text(encoding="utf-8")
    count = 0

    def repl(m):
        nonlocal count
        found = GLOSSARY.get(m.group(2).replace('\\"', '"'))
        if not found:
            return m.group(0)
        count += 1
        return f'{m.group(1)}"{found[index]}"'

    path.write_text(ENTRY.sub(repl, text), encoding="utf-8")
    return count


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent / "locale"
    for lang, idx in (("zh_Hans", 0), ("zh_Hant", 1)):
        po = root / lang / "LC_MESSAGES" / "django.po"
        if po.exists():
            print(lang, fill(po, idx), "filled")
