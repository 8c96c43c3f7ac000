"""The ``switchboard simulate`` command."""

import json
import subprocess
import sys
from pathlib import Path

from switchboard.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "scenario-example.toml"


def run(capsys, *argv):
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out = capsys.readouterr()
    return status, out.out, out.err


def test_the_example_scenario_prints_a_table_per_queue_and_interval(capsys):
    status, out, _ = run(capsys, "simulate", str(EXAMPLE))
    assert status == 0
    assert "Dhaka morning: seed 42" in out
    for queue in ("sales", "billing", "bangla-support"):
        assert f"\n{queue}  (target" in out
    assert "08:00" in out and "11:30" in out
    assert out.count("\ntotal") == 3
    assert "sales-early" in out


def test_json_holds_every_figure_and_the_seed_changes_the_day(capsys):
    _, out, _ = run(capsys, "simulate", str(EXAMPLE), "--json")
    data = json.loads(out)
    assert data["seed"] == 42
    sales = data["queues"]["sales"]
    assert len(sales["intervals"]) == 8
    row = sales["intervals"][3]
    for key in ("offered", "answered", "abandoned", "service_level", "asa_s", "aht_s",
                "occupancy", "longest_wait_s", "prob_wait"):  # fmt: skip
        assert key in row
    assert sum(r["offered"] for r in sales["intervals"]) == sales["totals"]["offered"]
    assert all(0 <= a["occupancy"] <= 1 for a in data["agents"])
    _, again, _ = run(capsys, "simulate", str(EXAMPLE), "--json")
    _, other, _ = run(capsys, "simulate", str(EXAMPLE), "--json", "--seed", "7")
    assert again == out
    assert json.loads(other)["seed"] == 7 and other != out


def test_a_bad_scenario_exits_2_naming_the_field(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('target = "90/30"', 'target = "190/30"'))
    status, out, err = run(capsys, "simulate", str(bad))
    assert status == 2
    assert out == ""
    assert "queues[1].target: the percentage must be above 0 and at most 100" in err


def test_a_missing_file_or_broken_toml_exits_2(capsys, tmp_path):
    status, _, err = run(capsys, "simulate", str(tmp_path / "nope.toml"))
    assert status == 2 and "cannot read" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("[simulation\n")
    status, _, err = run(capsys, "simulate", str(broken))
    assert status == 2 and "not valid TOML" in err


def test_simulate_never_imports_django():
    code = (
        "import sys; from switchboard.cli import main; "
        f"main(['simulate', {str(EXAMPLE)!r}, '--json']); "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
