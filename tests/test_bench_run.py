"""benchmarks/run.py keeps working: a small build and one fast row, end to end (no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_run_builds_its_own_database_and_prints_the_key_row(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESURETY_")}
    # A database the benchmark must never touch: it builds its own.
    decoy = tmp_path / "decoy.sqlite3"
    env["ESURETY_DATABASE"] = str(decoy)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--contracts", "2000", "--only", "key", "--runs", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "build:" in out and "2,000 contracts" in out
    key_rows = [line for line in out.splitlines() if line.startswith("| `esurety key ")]
    assert len(key_rows) == 1, out
    assert key_rows[0].rstrip().endswith(("| PASS |", "| MISS |")), key_rows[0]
    assert "python -c" in key_rows[0]
    assert not decoy.exists()


def test_bench_run_reuses_a_kept_database_of_the_same_size_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESURETY_")}
    keep = tmp_path / "kept"

    def run(contracts: int) -> str:
        argv = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--contracts", str(contracts)]
        argv += ["--only", "key", "--runs", "1", "--keep", str(keep), "--reuse"]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "build:" in run(1000)  # nothing kept yet: built
    second = run(1000)
    assert "reusing" in second and "build:" not in second
    assert "build:" in run(1200)  # another size: built again


def test_bench_run_refuses_an_unknown_row():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown rows" in done.stderr
