import json

from ringtrace.cli import main


def test_synth_command_writes_city_and_says_where(tmp_path, capsys):
    out = tmp_path / "city"
    assert main(["--home", str(tmp_path / "ws"), "synth", str(out), "--patients", "1000", "--seed", "4"]) == 0
    text = capsys.readouterr().out
    assert "1,000 insured people" in text and str(out / "input") in text
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 4 and truth["patients"] == 1000
    assert (out / "input" / "claims.csv").stat().st_size > 0


def test_synth_command_refuses_a_tiny_city(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "c"), "--patients", "5"]) == 2
    assert "at least 1000" in capsys.readouterr().err
