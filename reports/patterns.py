"""Plain-Chinese names and explanations of the ring patterns (DOMAIN.md), for readers outside the bureau.

>>> pattern_name("card_collection")
'集中收卡、串刷套刷'
>>> pattern_name("something_new")
'something_new'
"""

from __future__ import annotations

__all__ = ["PATTERN_ZH", "PATTERN_EN", "KIND_ZH", "KIND_SHORT_ZH", "ROLE_ZH", "VISIT_ZH", "pattern_name", "pattern_explanation"]

# pattern -> (name, how it works, in words a police officer needs no training to read)
PATTERN_ZH: dict[str, tuple[str, str]] = {
    "card_collection": (
        "集中收卡、串刷套刷",
        "定点医药机构或其工作人员集中收取多名参保人的医保卡,由同一操作员在短时间内成批刷卡结算,"
        "常在非营业时间进行,各笔金额相近,并在数周内反复发生。持卡人之间除被收卡外几乎没有其他关联,"
        "结算并无真实的诊疗或购药行为,统筹基金据此被骗取。",
    ),
    "doctor_patient_collusion": (
        "医患合谋、诱导住院、虚构医疗服务",
        "少数医师与招揽来的参保人(多为外区县老年人)合谋,成批办理住院,诊断相近、统筹基金支付金额较高,"
        "住院时段相互重叠,同一批人数月后再次入院。住院或诊疗并非病情所需,或根本未发生,费用由统筹基金支付。",
    ),
    "impersonation": (
        "冒名就医、借卡盗刷",
        "他人持参保人的医保卡就医或购药:就诊地点远离持卡人住所,诊断与持卡人年龄、性别不符,"
        "或同一张卡在空间上不可能的时间间隔内两地结算。中间人携带一批借来的卡,在相同机构间集中使用。",
    ),
    "drug_reselling": (
        "倒卖药品、重复开药、超量开药",
        "门诊特殊病、慢性病参保人在中间人带领下,于同一天在多家机构重复购买相同的高价药品,"
        "数量远超治疗所需,药品随后被倒卖牟利,费用由统筹基金支付。",
    ),
    "split_hospitalization": (
        "分解住院",
        "定点医院将参保人一次连续住院拆分为多次,出院后数日内在同一医院再次入院,以规避单次住院的支付限额,"
        "多名参保人均呈现同样的做法,属于机构层面的违规套取。",
    ),
    "community": (
        "异常关联团伙",
        "一组参保人、医师、机构或操作员之间的结算关系明显比正常就医密集,且在金额、时间或地点上存在同步性,"
        "不属于上述已命名的类型,需结合调查进一步认定其作案方式。",
    ),
}

PATTERN_EN: dict[str, str] = {
    "card_collection": "Card collection and bulk swiping",
    "doctor_patient_collusion": "Doctor-patient collusion, induced or fake admissions",
    "impersonation": "Impersonation with borrowed cards",
    "drug_reselling": "Drug reselling, repeat prescriptions",
    "split_hospitalization": "Split hospitalisation",
    "community": "Anomalous dense group",
}

KIND_ZH: dict[str, str] = {
    "patients": "参保人",
    "cards": "医保卡",
    "doctors": "医保医师",
    "institutions": "定点医药机构",
    "operators": "操作员",
}

# for narrow table columns
KIND_SHORT_ZH: dict[str, str] = {
    "patients": "参保人",
    "cards": "医保卡",
    "doctors": "医师",
    "institutions": "机构",
    "operators": "操作员",
}

ROLE_ZH: dict[str, str] = {
    "organiser": "组织者",
    "participant": "参与者",
    "instrument": "作案工具",
}

VISIT_ZH: dict[str, str] = {"outpatient": "门诊", "inpatient": "住院", "pharmacy": "药店购药"}


def pattern_name(pattern: str, lang: str = "zh") -> str:
    if lang == "en":
        return PATTERN_EN.get(pattern, pattern)
    return PATTERN_ZH.get(pattern, (pattern, ""))[0]


def pattern_explanation(pattern: str) -> str:
    return PATTERN_ZH.get(pattern, (pattern, PATTERN_ZH["community"][1]))[1]
