"""The canonical input schema (CONTRACT.md): column names, aliases, value maps, dtypes.

Every other module refers to columns by these canonical names only.
"""

from __future__ import annotations

__all__ = [
    "CLAIM_COLUMNS",
    "REQUIRED_CLAIM_COLUMNS",
    "CLAIM_ALIASES",
    "VISIT_TYPES",
    "VISIT_TYPE_ALIASES",
    "REFERENCE_COLUMNS",
    "REFERENCE_ALIASES",
    "ANALYTIC_CLAIM_DTYPES",
]

# Canonical claim columns in the order the analytic copy stores them.
CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "patient_id",
    "card_id",
    "institution_id",
    "doctor_id",
    "visit_type",
    "settled_at",
    "admitted_on",
    "discharged_on",
    "total_amount",
    "fund_amount",
    "diagnosis",
    "operator_id",
)

REQUIRED_CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "patient_id",
    "institution_id",
    "settled_at",
    "total_amount",
)

# Accepted source headers per canonical column (matched case-insensitively, trimmed).
CLAIM_ALIASES: dict[str, tuple[str, ...]] = {
    "claim_id": ("结算单号", "结算流水号", "就诊流水号"),
    "patient_id": ("人员编号", "个人编号", "参保人编号", "身份证号"),
    "card_id": ("医保卡号", "社保卡号"),
    "institution_id": ("定点机构编码", "医药机构编码"),
    "doctor_id": ("医师编码", "医保医师编码"),
    "visit_type": ("医疗类别", "就诊类型"),
    "settled_at": ("结算时间", "结算日期"),
    "admitted_on": ("入院日期",),
    "discharged_on": ("出院日期",),
    "total_amount": ("医疗总费用",),
    "fund_amount": ("统筹基金支付", "基金支付金额"),
    "diagnosis": ("诊断编码",),
    "operator_id": ("操作员", "收费员"),
}

VISIT_TYPES: tuple[str, ...] = ("outpatient", "inpatient", "pharmacy")

VISIT_TYPE_ALIASES: dict[str, str] = {
    "门诊": "outpatient",
    "普通门诊": "outpatient",
    "门诊特病": "outpatient",
    "门诊慢病": "outpatient",
    "住院": "inpatient",
    "药店购药": "pharmacy",
    "定点药店购药": "pharmacy",
    "outpatient": "outpatient",
    "inpatient": "inpatient",
    "pharmacy": "pharmacy",
}

REFERENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "institutions": ("institution_id", "name", "kind", "level", "region", "lat", "lon"),
    "doctors": ("doctor_id", "name", "institution_id"),
    "patients": ("patient_id", "card_id", "name", "birth_year", "sex", "region", "phone", "address"),
}

REFERENCE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "institutions": {
        "institution_id": ("定点机构编码", "医药机构编码", "机构编码"),
        "name": ("机构名称", "名称"),
        "kind": ("机构类型", "类型"),
        "level": ("医院等级", "等级"),
        "region": ("所属区县", "区县", "行政区划"),
        "lat": ("纬度",),
        "lon": ("经度",),
    },
    "doctors": {
        "doctor_id": ("医师编码", "医保医师编码"),
        "name": ("医师姓名", "姓名"),
        "institution_id": ("定点机构编码", "医药机构编码", "机构编码"),
    },
    "patients": {
        "patient_id": ("人员编号", "个人编号", "参保人编号", "身份证号"),
        "card_id": ("医保卡号", "社保卡号"),
        "name": ("姓名",),
        "birth_year": ("出生年份",),
        "sex": ("性别",),
        "region": ("所属区县", "区县", "参保地"),
        "phone": ("联系电话", "手机号"),
        "address": ("住址", "联系地址"),
    },
}

# dtypes of the analytic copy (pandas names). Timestamps are naive local time (Asia/Shanghai).
ANALYTIC_CLAIM_DTYPES: dict[str, str] = {
    "claim_id": "string",
    "patient_id": "string",
    "card_id": "string",  # filled with the patient's card, or patient_id, when the row has none
    "institution_id": "string",
    "doctor_id": "string",  # <NA> for retail pharmacy
    "visit_type": "string",  # one of VISIT_TYPES, <NA> if not given
    "settled_at": "datetime64[ns]",
    "admitted_on": "datetime64[ns]",
    "discharged_on": "datetime64[ns]",
    "total_amount": "float64",
    "fund_amount": "float64",  # <NA>/NaN if not given
    "diagnosis": "string",
    "operator_id": "string",
}
