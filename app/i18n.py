"""Every string the app shows, in Chinese (the default) and English.

Pages call :func:`t`, which reads the session's language; :func:`tr` is the pure form that
tests and non-Streamlit code use.

>>> tr("username", "zh"), tr("username", "en")
('用户名', 'Username')
>>> tr("rings_shown", "en", shown=3, total=10)
'3 of 10 rings shown'
>>> tr("pattern.card_collection", "zh")
'集中收卡、串刷套刷'
>>> tr("pattern.some_new_detector", "en")
'some_new_detector'
"""

from __future__ import annotations

__all__ = ["LANGS", "DEFAULT_LANG", "STRINGS", "tr", "t", "lang", "set_lang", "label"]

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

# key -> (zh, en). Keys with a dot are families (pattern.*, kind.*, col.*): an unknown member
# falls back to its raw name, so a new detector's pattern still shows something sensible.
STRINGS: dict[str, tuple[str, str]] = {
    # --- frame ---------------------------------------------------------------------------
    "app_title": ("医保基金团伙线索研判", "ringtrace: fraud-ring investigation"),
    "language": ("语言 / Language", "Language / 语言"),
    "signed_in_as": ("当前用户:{name}({role})", "Signed in as {name} ({role})"),
    "logout": ("退出登录", "Sign out"),
    "nav_queue": ("团伙队列", "Ring queue"),
    "nav_ring": ("团伙详情", "Ring"),
    "nav_entity": ("实体关系", "Entity"),
    "nav_dashboard": ("领导看板", "Dashboard"),
    "nav_admin": ("审计与用户", "Audit and users"),
    "not_allowed": ("当前角色无权查看此页面。", "Your role may not open this page."),
    "workspace_empty": (
        "工作区尚无数据。请先运行 ringtrace ingest 与 ringtrace detect(或 ringtrace demo)。",
        "The workspace holds no data yet. Run ringtrace ingest and ringtrace detect "
        "(or ringtrace demo) first.",
    ),
    "data_error": (
        "读取工作区数据失败:{msg}",
        "Reading the workspace failed: {msg}",
    ),
    # --- login ---------------------------------------------------------------------------
    "login_title": ("登录", "Sign in"),
    "login_intro": (
        "医保基金监管 · 团伙线索研判系统。请使用管理员分配的账号登录。",
        "Medical-insurance fund supervision: fraud-ring investigation. Sign in with the "
        "account your administrator gave you.",
    ),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login_button": ("登录", "Sign in"),
    "login_missing": ("请输入用户名和密码。", "Enter a username and a password."),
    "session_expired": ("会话因长时间未操作已过期,请重新登录。", "Your session expired after inactivity; please sign in again."),
    # --- roles ---------------------------------------------------------------------------
    "role.investigator": ("稽核员", "Investigator"),
    "role.police": ("公安移送联络", "Police liaison"),
    "role.leader": ("局领导", "Leader"),
    "role.admin": ("系统管理员", "Administrator"),
    # --- patterns, kinds, statuses, member roles -----------------------------------------
    "pattern.card_collection": ("集中收卡、串刷套刷", "Card collection and bulk swiping"),
    "pattern.doctor_patient_collusion": ("医患合谋、诱导住院", "Doctor–patient collusion"),
    "pattern.impersonation": ("冒名就医", "Impersonation (borrowed cards)"),
    "pattern.drug_reselling": ("倒卖药品、重复开药", "Drug reselling"),
    "pattern.split_hospitalization": ("分解住院", "Split hospitalisation"),
    "pattern.community": ("密集关联群体", "Dense community"),
    "kind.patient": ("参保人", "Patient"),
    "kind.card": ("医保卡", "Card"),
    "kind.doctor": ("医师", "Doctor"),
    "kind.institution": ("定点机构", "Institution"),
    "kind.operator": ("操作员", "Operator"),
    "kind.claim": ("结算单", "Claim"),
    "kind.ring": ("团伙", "Ring"),
    "member_role.organiser": ("组织者", "Organiser"),
    "member_role.participant": ("参与者", "Participant"),
    "member_role.instrument": ("工具(卡/账号)", "Instrument (card, account)"),
    "visit.outpatient": ("门诊", "Outpatient"),
    "visit.inpatient": ("住院", "Inpatient"),
    "visit.pharmacy": ("药店购药", "Pharmacy"),
    # --- claim columns (Chinese headers as in CONTRACT.md) -------------------------------
    "col.claim_id": ("结算单号", "Claim id"),
    "col.patient_id": ("人员编号", "Patient id"),
    "col.card_id": ("医保卡号", "Card"),
    "col.institution_id": ("定点机构编码", "Institution"),
    "col.doctor_id": ("医师编码", "Doctor"),
    "col.visit_type": ("医疗类别", "Visit type"),
    "col.settled_at": ("结算时间", "Settled at"),
    "col.admitted_on": ("入院日期", "Admitted"),
    "col.discharged_on": ("出院日期", "Discharged"),
    "col.total_amount": ("医疗总费用", "Total amount"),
    "col.fund_amount": ("统筹基金支付", "Fund amount"),
    "col.diagnosis": ("诊断编码", "Diagnosis"),
    "col.operator_id": ("操作员", "Operator"),
    # --- ring queue ----------------------------------------------------------------------
    "queue_title": ("疑似团伙队列", "Suspected rings"),
    "queue_intro": (
        "按评分排序,评分越高越值得优先核查。点击团伙编号打开详情。",
        "Sorted by score: the higher, the more worth your time. Open a ring by its id.",
    ),
    "filters": ("筛选", "Filters"),
    "filter_pattern": ("模式", "Pattern"),
    "filter_district": ("区县", "District"),
    "filter_institution": ("定点机构", "Institution"),
    "filter_amount": ("基金金额(元)", "Fund amount (yuan)"),
    "filter_dates": ("活动日期", "Active between"),
    "filter_status": ("状态", "Status"),
    "search": ("按编号搜索(团伙、参保人、卡、医师、机构)", "Search by any id (ring, patient, card, doctor, institution)"),
    "search_button": ("搜索", "Search"),
    "search_results": ("搜索结果", "Search results"),
    "search_none": ("未找到匹配“{text}”的编号。", "No id matches “{text}”."),
    "search_bad": ("搜索内容无效:{msg}", "That search cannot be used: {msg}"),
    "rings_shown": ("共 {total} 个团伙,显示 {shown} 个", "{shown} of {total} rings shown"),
    "no_rings": ("工作区尚无团伙。请先运行 ringtrace detect。", "No rings in the workspace yet. Run ringtrace detect first."),
    "q.ring_id": ("团伙编号", "Ring"),
    "q.score": ("评分", "Score"),
    "q.pattern": ("模式", "Pattern"),
    "q.members": ("成员数", "Members"),
    "q.claims": ("结算单数", "Claims"),
    "q.fund_amount": ("基金金额(元)", "Fund amount (yuan)"),
    "q.first_seen": ("首次出现", "First seen"),
    "q.last_seen": ("最近出现", "Last seen"),
    "q.districts": ("区县", "Districts"),
    "q.institutions": ("定点机构", "Institutions"),
    "q.status": ("状态", "Status"),
    "q.notes": ("备注", "Notes"),
    "q.evidence": ("主要证据", "Main evidence"),
    "q.link": ("打开", "Open"),
    # --- ring page -----------------------------------------------------------------------
    "ring_title": ("团伙 {ring_id}", "Ring {ring_id}"),
    "ring_missing": ("请从团伙队列打开一个团伙,或在网址中给出 ?id=R0001。", "Open a ring from the queue, or give ?id=R0001 in the address."),
    "ring_not_found": ("未找到团伙“{ring_id}”。", "There is no ring “{ring_id}”."),
    "back_to_queue": ("← 返回团伙队列", "← Back to the queue"),
    "m.score": ("评分", "Score"),
    "m.fund": ("基金金额", "Fund amount"),
    "m.claims": ("结算单", "Claims"),
    "m.members": ("成员", "Members"),
    "m.period": ("时间跨度", "Period"),
    "m.status": ("状态", "Status"),
    "network": ("关系网络", "Network"),
    "network_help": (
        "颜色表示实体类型,连线粗细表示结算单数或基金金额;悬停查看次数与金额。可拖动、缩放。",
        "Colour shows the kind of entity, edge width the claims or money; hover for counts and "
        "amounts. Drag and zoom freely.",
    ),
    "weight_by": ("连线粗细", "Edge width by"),
    "weight.claims": ("结算单数", "Claims"),
    "weight.money": ("基金金额", "Fund amount"),
    "legend": ("图例", "Legend"),
    "edges_title": ("{claims} 张结算单 · 基金 ¥{fund}", "{claims} claims · fund ¥{fund}"),
    "node_title": ("{kind} {id}\n{claims} 张结算单 · 基金 ¥{fund}", "{kind} {id}\n{claims} claims · fund ¥{fund}"),
    "evidence": ("证据", "Evidence"),
    "evidence_claims": ("查看相关 {n} 张结算单", "Show its {n} claims"),
    "claims": ("结算明细", "Claims"),
    "claims_capped": ("仅显示前 {shown} / {total} 张结算单(导出包含全部)。", "First {shown} of {total} claims shown (exports hold all)."),
    "export_csv": ("导出 CSV(GB18030)", "Export CSV (GB18030)"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "timeline": ("时间线:成员 × 小时", "Timeline: member × hour"),
    "timeline_help": (
        "每个点是一张结算单;同一时刻成串出现的点说明多人同步结算。",
        "Each dot is a claim; dots stacked at the same moment show members settling in step.",
    ),
    "timeline_member": ("成员", "Member"),
    "timeline_time": ("结算时间", "Settled at"),
    "map": ("机构分布(无需在线地图)", "Institutions (no online map needed)"),
    "map_none": ("这些机构没有经纬度。", "These institutions have no coordinates."),
    "lat": ("纬度", "Latitude"),
    "lon": ("经度", "Longitude"),
    "members": ("成员", "Members"),
    "member.kind": ("类型", "Kind"),
    "member.id": ("编号", "Id"),
    "member.role": ("角色", "Role"),
    "member.claims": ("结算单数", "Claims"),
    "member.fund": ("基金金额(元)", "Fund amount (yuan)"),
    "member.link": ("关系", "Neighbourhood"),
    "neighbours": ("相邻实体", "Neighbouring entities"),
    "neighbours_help": ("点击打开该实体的关系网络。", "Open an entity's own neighbourhood."),
    "case": ("状态与备注", "Status and notes"),
    "set_status": ("案件状态", "Case status"),
    "save_status": ("保存状态", "Save status"),
    "status_saved": ("状态已更新为“{status}”。", "Status set to “{status}”."),
    "note": ("新备注", "New note"),
    "add_note": ("添加备注", "Add note"),
    "note_saved": ("备注已保存。", "Note saved."),
    "note_empty": ("备注不能为空。", "A note cannot be empty."),
    "notes_none": ("暂无备注。", "No notes yet."),
    "history": ("状态记录", "Status history"),
    "history_line": ("{at} · {user} · {status}", "{at} · {user} · {status}"),
    "note_line": ("{at} · {user}", "{at} · {user}"),
    "referral": ("移送公安", "Police referral"),
    "referral_build": ("生成移送材料", "Build the referral pack"),
    "referral_pdf": ("下载移送材料(PDF)", "Download referral (PDF)"),
    "referral_xlsx": ("下载涉案结算清单(Excel)", "Download evidence list (Excel)"),
    "referral_done": ("移送材料已生成。", "Referral pack built."),
    "referral_failed": ("生成移送材料失败:{msg}", "Building the referral pack failed: {msg}"),
    # --- entity page ---------------------------------------------------------------------
    "entity_title": ("{kind} {id}", "{kind} {id}"),
    "entity_missing": (
        "请在网址中给出实体类型与编号,例如 ?type=patient&id=…(类型:patient、card、doctor、institution)。",
        "Give the entity's type and id in the address, e.g. ?type=patient&id=… "
        "(types: patient, card, doctor, institution).",
    ),
    "entity_bad": ("网址参数无效:{msg}", "The address is not valid: {msg}"),
    "entity_not_found": ("未找到{kind}“{id}”。", "There is no {kind} “{id}”."),
    "hops": ("扩展跳数", "Hops"),
    "window": ("时间窗口", "Time window"),
    "node_cap": ("节点上限", "Node cap"),
    "truncated": ("已截断:{note}。可提高节点上限或缩小时间窗口。", "Truncated: {note}. Raise the node cap or narrow the time window."),
    "e.claims": ("结算单", "Claims"),
    "e.total": ("医疗总费用", "Total amount"),
    "e.fund": ("基金支付", "Fund amount"),
    "e.period": ("时间跨度", "Period"),
    "top_counterparties": ("主要往来实体", "Main counterparties"),
    "e.rings": ("所在团伙", "In rings"),
    "e.no_rings": ("不在任何已识别团伙中。", "In no detected ring."),
    # --- dashboard -----------------------------------------------------------------------
    "dash_title": ("领导看板", "Leaders' dashboard"),
    "dash_intro": ("团伙总体情况(不含个人信息)。", "Rings at a glance (no personal data)."),
    "dash_empty": ("暂无汇总数据。", "No summary yet."),
    "dash.generated_at": ("数据生成时间:{at}", "Figures as of {at}"),
    "dash.rings": ("疑似团伙", "Rings"),
    "dash.claims": ("涉及结算单", "Claims in rings"),
    "dash.patients": ("涉及参保人", "Insured people involved"),
    "dash.doctors": ("涉及医师", "Doctors involved"),
    "dash.institutions": ("涉及定点机构", "Institutions involved"),
    "dash.fund_confirmed": ("已确认基金", "Fund confirmed"),
    "dash.fund_referred": ("已移送基金", "Fund referred"),
    "dash.fund_dismissed": ("已排除基金", "Fund dismissed"),
    "dash.fund_at_stake": ("涉案基金(未排除)", "Fund at stake (not dismissed)"),
    "dash.by_status": ("案件状态", "Case status"),
    "dash.by_pattern": ("按模式", "By pattern"),
    "dash.by_district": ("按区县", "By district"),
    "dash.trend": ("按月趋势(新出现团伙与涉案基金)", "Monthly trend (rings starting, fund involved)"),
    "dash.top_institutions": ("涉案金额最高的定点机构", "Institutions with the most money in rings"),
    "dash.top_doctors": ("涉案金额最高的医师", "Doctors with the most money in rings"),
    "dash.referrals": ("移送记录", "Referrals"),
    "dash.col.status": ("状态", "Status"),
    "dash.col.pattern": ("模式", "Pattern"),
    "dash.col.district": ("区县", "District"),
    "dash.col.rings": ("团伙数", "Rings"),
    "dash.col.rings_started": ("新出现团伙", "Rings starting"),
    "dash.col.claims": ("结算单数", "Claims"),
    "dash.col.fund_fen": ("基金金额(元)", "Fund amount (yuan)"),
    "dash.col.institution_id": ("定点机构编码", "Institution"),
    "dash.col.name": ("名称", "Name"),
    "dash.col.doctor_id": ("医师编码", "Doctor"),
    "dash.col.ring_id": ("团伙编号", "Ring"),
    "dash.col.case_no": ("移送编号", "Case number"),
    "dash.col.date": ("日期", "Date"),
    "dash.col.month": ("月份", "Month"),
    "brief_button": ("生成简报(PDF)", "Build the brief (PDF)"),
    "brief_download": ("下载简报", "Download the brief"),
    # --- admin ---------------------------------------------------------------------------
    "audit_title": ("审计日志", "Audit trail"),
    "audit_verify": ("校验防篡改链", "Verify the chain"),
    "audit_ok": ("审计链完整,共 {n} 条记录。", "The chain is intact: {n} entries."),
    "audit_broken": ("审计链已被破坏:{msg}", "The chain is broken: {msg}"),
    "audit_filter_user": ("用户", "User"),
    "audit_filter_action": ("操作", "Action"),
    "audit.at": ("时间", "Time"),
    "audit.user": ("用户", "User"),
    "audit.role": ("角色", "Role"),
    "audit.action": ("操作", "Action"),
    "audit.target": ("对象", "Target"),
    "audit.detail": ("详情", "Detail"),
    "users_title": ("用户管理", "Users"),
    "user_add": ("新增或更新用户", "Add or update a user"),
    "user_role": ("角色", "Role"),
    "user_saved": ("用户“{name}”已保存。", "User “{name}” saved."),
    "user_failed": ("保存用户失败:{msg}", "Saving the user failed: {msg}"),
    "user_list": ("现有用户", "Current users"),
    "none": ("无", "none"),
}


def tr(key: str, lang: str = DEFAULT_LANG, **fmt) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt``.

    An unknown family member (``pattern.xyz``) reads as its raw name; an unknown plain key is
    a programming error and raises ``KeyError`` so tests catch it.
    """
    pair = STRINGS.get(key)
    if pair is None:
        if "." in key:
            return key.split(".", 1)[1]
        raise KeyError(f"no text for {key!r}")
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fmt) if fmt else text


def lang() -> str:
    """The session's language (Chinese unless the user switched)."""
    import streamlit as st

    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def set_lang(value: str) -> None:
    import streamlit as st

    if value not in LANGS:
        raise ValueError(f"unknown language {value!r}; use one of {', '.join(LANGS)}")
    st.session_state["lang"] = value


def t(key: str, **fmt) -> str:
    """:func:`tr` in the session's language."""
    return tr(key, lang(), **fmt)


def label(family: str, value, lang_: str | None = None) -> str:
    """The display name of ``value`` within a family (pattern, kind, role, status, col...).

    >>> label("kind", "doctor", "en")
    'Doctor'
    >>> label("status", "under_review", "zh")
    '核查中'
    """
    lang_ = lang_ or lang()
    if family == "status":
        from ringtrace.cases import STATUS_LABELS

        names = STATUS_LABELS.get(str(value))
        return names[lang_] if names else str(value)
    return tr(f"{family}.{value}", lang_)
