"""`esurety key 35072-00000M`: wall time of the whole command, as a shell user sees it.

    python benchmarks/key_lookup.py [-n 10]

A temporary ESURETY_HOME gets the demo data; after one warm-up run of each, the command and its
floor run -n times as subprocesses, interleaved (command, floor, command, floor ...), and the median
and minimum wall times are printed with their ratio. The floor (issue 11) is the same look-up with
`python -c` and the standard library's sqlite3: connect to the same file, select the key, print
it; goal: `esurety key` <= 3x the floor. `python -c pass` and `python -c "import peewee"` are shown
for context. Then one run under `-X importtime` lists the heaviest imports and checks that neither
Textual, reportlab nor peewee is loaded.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ESURETY,
    NEUTRAL_CWD,
    PYTHON,
    clean_env,
    demo_home,
    importtimes,
    print_top_imports,
    summary,
)

NUMBER = "35072-00000M"
KEY = "Z28YUE4J3Bux"  # the seed's key, loaded by the demo data
HEAVY = (
    "textual",
    "reportlab",
    "peewee",
    "playhouse",
    "argon2",
    "platformdirs",
    "jaconv",
    "rich",
    "esurety_tui.store.models",
    "esurety_tui.services.audit",
    "esurety_tui.services.demo",
)
# The floor: the same look-up with python -c and stdlib sqlite3 (as benchmarks/run.py's FLOOR_SQLITE).
FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(c.execute('SELECT auth_key FROM guarantee WHERE number = ?', (sys.argv[2],)).fetchone()[0])"
)


def wall(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=NEUTRAL_CWD)
        out.append(time.perf_counter() - t)
    return out


def interleaved(a: list[str], b: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times of ``a`` and ``b`` run alternately (drift and load hit both alike)."""
    ta, tb = [], []
    for _ in range(runs):
        ta += wall(a, env, 1)
        tb += wall(b, env, 1)
    return ta, tb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--runs", type=int, default=10)
    ap.add_argument(
        "--tree",
        metavar="DIR",
        help="measure the esurety_tui package in DIR (a patched copy) with python -m esurety_tui and PYTHONPATH=DIR",
    )
    args = ap.parse_args()

    tree = {"PYTHONPATH": str(Path(args.tree).resolve())} if args.tree else {}
    home = demo_home(**tree)
    env = clean_env(ESURETY_HOME=str(home), **tree)
    if tree:
        print(f"esurety_tui from {tree['PYTHONPATH']} (python -m esurety_tui)")
        cmd = [PYTHON, "-m", "esurety_tui", "key", NUMBER]
    else:
        cmd = [ESURETY, "key", NUMBER] if ESURETY else [PYTHON, "-m", "esurety_tui", "key", NUMBER]
    try:
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=NEUTRAL_CWD).stdout.strip()
        if first != KEY:
            raise SystemExit(f"unexpected output {first!r} (expected {KEY})")
        floor_cmd = [PYTHON, "-c", FLOOR, str(home / "esurety.sqlite3"), NUMBER]
        got = subprocess.run(
            floor_cmd, env=env, capture_output=True, text=True, check=True, cwd=NEUTRAL_CWD
        ).stdout.strip()
        if got != KEY:
            raise SystemExit(f"the floor printed {got!r} (expected {KEY})")
        key, floor = interleaved(cmd, floor_cmd, env, args.runs)
        empty = wall([PYTHON, "-c", "pass"], env, args.runs)
        peewee = wall([PYTHON, "-c", "import peewee"], env, args.runs)
        ratio = statistics.median(key) / statistics.median(floor)
        print(f"`esurety key {NUMBER}` ({args.runs} runs after a warm-up, interleaved with the floor)")
        print(f"  esurety key          : {summary(key)}")
        print(f"  floor: python -c + sqlite3: {summary(floor)}")
        print(f"  ratio (medians)      : {ratio:.2f}x  [{'OK' if ratio <= 3 else 'over the 3x goal'}]")
        print(f"  python -c pass       : {summary(empty)}   (interpreter + site)")
        print(f"  python -c 'import peewee': {summary(peewee)}")

        r = subprocess.run(
            [PYTHON, "-X", "importtime", "-m", "esurety_tui", "key", NUMBER],
            env=env,
            capture_output=True,
            check=True,
            cwd=NEUTRAL_CWD,
        )
        rows = importtimes(r.stderr)
        print()
        print_top_imports(rows, 15)
        names = {name for name, *_ in rows}
        print("  modules that a key look-up should not need:")
        for mod in HEAVY:
            hit = sorted(n for n in names if n == mod or n.startswith(mod + "."))
            print(f"    {mod:30} {f'IMPORTED ({len(hit)} modules)' if hit else 'not imported'}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
