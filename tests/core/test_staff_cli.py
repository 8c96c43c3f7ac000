"""The ``switchboard staff`` command."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from switchboard.cli import SUBCOMMANDS, main

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_it_prints_the_textbook_answer_with_shrinkage(capsys):
    status, out, _ = run(
        capsys, "staff", "--calls", "100", "--interval", "1800", "--aht", "180",
        "--target", "80/20", "--shrinkage", "0.3",
    )  # fmt: skip
    assert status == 0
    assert "Agents to schedule       20" in out
    assert "On the phones            14" in out
    assert "88.84%" in out
    assert "17.41%" in out
    assert "7.84 s" in out
    assert "71.4%" in out


def test_it_prints_json_with_every_figure(capsys):
    status, out, _ = run(capsys, "staff", "--calls", "100", "--aht", "180", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["model"] == "erlang_c"
    assert data["agents"] == 14
    assert data["prob_abandon"] is None
    assert data["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert data["inputs"]["target_fraction"] == 0.8


def test_patience_switches_to_erlang_a_and_reports_abandons(capsys):
    status, out, _ = run(
        capsys, "staff", "--calls", "100", "--aht", "180", "--patience", "120",
        "--max-occupancy", "85%", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert status == 0
    assert data["model"] == "erlang_a"
    assert data["agents"] == 12
    assert 0 < data["prob_abandon"] < data["prob_wait"]
    assert data["occupancy"] <= 0.85


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--calls", "-5", "--aht", "180"], "--calls"),
        (["--calls", "ten", "--aht", "180"], "--calls"),
        (["--calls", "100", "--aht", "0"], "--aht"),
        (["--calls", "100", "--aht", "180", "--target", "120/20"], "--target"),
        (["--calls", "100", "--aht", "180", "--target", "80-20"], "--target"),
        (["--calls", "100", "--aht", "180", "--target", "80/"], "--target"),
        (["--calls", "100", "--aht", "180", "--target", "80/-1"], "--target"),
        (["--calls", "100", "--aht", "180", "--patience", "-3"], "--patience"),
        (["--calls", "100", "--aht", "180", "--shrinkage", "1.5"], "--shrinkage"),
        (["--calls", "100", "--aht", "180", "--shrinkage", "100%"], "--shrinkage"),
        (["--calls", "100", "--aht", "180", "--max-occupancy", "0"], "--max-occupancy"),
        (["--calls", "100", "--aht", "180", "--interval", "0"], "--interval"),
    ],
)
def test_bad_input_exits_with_status_2_naming_the_option(capsys, argv, option):
    with pytest.raises(SystemExit) as exit_info:
        main(["staff", *argv])
    assert exit_info.value.code == 2
    assert option in capsys.readouterr().err


def test_there_is_a_place_for_other_subcommands():
    assert "staff" in SUBCOMMANDS
    assert all(callable(register) for register in SUBCOMMANDS.values())


def test_python_m_switchboard_staff_runs_without_loading_django():
    code = (
        "import runpy, sys\n"
        "sys.argv = ['switchboard', 'staff', '--calls', '100', '--aht', '180', '--json']\n"
        "try:\n"
        "    runpy.run_module('switchboard', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agents"] == 14
