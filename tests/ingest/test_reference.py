"""Reference files: validated, upserted by id; claims get cards from them and are checked against them."""

from __future__ import annotations

import pandas as pd

from ingest.analytic import read_claims, read_reference
from ingest.api import ingest_paths
from ingest.report import format_report

from .conftest import ENGLISH, rows_plain, write_csv, write_xlsx


def test_folder_with_references(fresh_ws, tmp_path):
    d = tmp_path / "export"
    write_csv(d / "claims.csv", ENGLISH, rows_plain())
    write_xlsx(d / "institutions.xlsx", ["机构编码", "机构名称", "机构类型", "纬度", "经度"],
               [["H01", "第一人民医院", "hospital", 29.98, 122.2], ["Y01", "康民药店", "pharmacy", "x", 122.1]])
    write_csv(d / "doctors.csv", ["医师编码", "医师姓名", "定点机构编码"], [["D01", "王医生", "H01"], ["D01", "王医生", "H01"]])
    write_csv(d / "patients.csv", ["身份证号", "医保卡号", "姓名", "出生年份"],
              [["33090219900101123x", "K777", "张三", "1990"], ["P009", "", "李四", "19x0"]], "gb18030")
    report = ingest_paths(fresh_ws, [d], progress=False)
    claims = read_claims(fresh_ws).set_index("claim_id")
    assert claims.loc["C002", "card_id"] == "K777"  # from the patients file (national id x -> X)
    assert claims.loc["C001", "card_id"] == "K001"  # given in the claim
    inst = read_reference(fresh_ws, "institutions")
    assert inst["institution_id"].tolist() == ["H01"]  # Y01 rejected: latitude 'x'
    assert inst["lat"].dtype == "float64"
    patients = read_reference(fresh_ws, "patients")
    assert patients["patient_id"].tolist() == ["33090219900101123X"]
    assert str(patients["birth_year"].dtype) == "Int64"
    by_kind = {f.kind: f for f in report.files}
    assert by_kind["doctors"].duplicates == 1 and by_kind["institutions"].reasons["bad_number"] == 1
    # claims naming unknown institutions / doctors are kept and counted
    assert report.unknown_institutions == 2  # H02, Y01 (Y01 was rejected from the reference)
    assert report.unknown_doctors == 2  # D02, D03
    assert report.loaded == 5
    text = format_report(report)
    assert "unknown institutions: 2" in text and "quarantine.csv" in text


def test_reference_upsert_by_id(fresh_ws, tmp_path):
    a = write_csv(tmp_path / "1" / "doctors.csv", ["doctor_id", "name", "institution_id"],
                  [["D01", "王医生", "H01"], ["D02", "李医生", "H01"]])
    b = write_csv(tmp_path / "2" / "doctors.csv", ["doctor_id", "name", "institution_id"],
                  [["D02", "李医生", "H02"], ["D03", "赵医生", "H02"]])
    ingest_paths(fresh_ws, [a], progress=False)
    report = ingest_paths(fresh_ws, [b], progress=False)
    doctors = read_reference(fresh_ws, "doctors")
    assert doctors.to_dict("list") == {"doctor_id": ["D01", "D02", "D03"], "name": ["王医生", "李医生", "赵医生"],
                                       "institution_id": ["H01", "H02", "H02"]}
    assert report.files[0].loaded == 2  # D02 changed, D03 new
    again = ingest_paths(fresh_ws, [b], progress=False)
    assert not again.changed and again.files[0].duplicates == 2
    assert read_reference(fresh_ws, "patients") is None
    pd.testing.assert_frame_equal(read_reference(fresh_ws, "doctors"), doctors)
