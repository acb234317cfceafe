import subprocess
import sys

import pytest

from ringtrace.cli import COMMANDS, build_parser, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as e:
        main([name, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert COMMANDS[name][1] in " ".join(out.split())


def test_home_before_command_is_kept():
    parser = build_parser()
    args = parser.parse_args(["--home", "/tmp/x", "status"])
    assert args.home == "/tmp/x"


def test_console_script_lists_commands():
    out = subprocess.run([sys.executable, "-m", "ringtrace.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for name in COMMANDS:
        assert name in out.stdout
