"""`esurety key 35072-00000M`: wall time of the whole command, as a shell user sees it.

    python benchmarks/key_lookup.py [-n 10]

A temporary ESURETY_HOME gets the demo data; after one warm-up run, the command runs -n times
as a subprocess and the median and minimum wall times are printed, next to two floors for
context: an empty interpreter (`python -c pass`) and `python -c "import peewee"`. Then one run
under `-X importtime` lists the heaviest imports and checks that neither Textual nor reportlab
is loaded.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ESURETY, NEUTRAL_CWD, PYTHON, clean_env, demo_home, importtimes, print_top_imports, summary,
)

NUMBER = "35072-00000M"
KEY = "Z28YUE4J3Bux"  # the seed's key, loaded by the demo data
HEAVY = ("textual", "reportlab", "argon2", "platformdirs", "playhouse.migrate", "jaconv", "rich",
         "esurety_tui.services.audit", "esurety_tui.services.demo")


def wall(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       cwd=NEUTRAL_CWD)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--runs", type=int, default=10)
    ap.add_argument("--tree", metavar="DIR", help="measure the esurety_tui package in DIR (a patched copy) "
                    "with python -m esurety_tui and PYTHONPATH=DIR")
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
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True,
                               cwd=NEUTRAL_CWD).stdout.strip()
        if first != KEY:
            raise SystemExit(f"unexpected output {first!r} (expected {KEY})")
        key = wall(cmd, env, args.runs)
        floor = wall([PYTHON, "-c", "pass"], env, args.runs)
        peewee = wall([PYTHON, "-c", "import peewee"], env, args.runs)
        print(f"`esurety key {NUMBER}` ({args.runs} runs after a warm-up)")
        print(f"  esurety key          : {summary(key)}")
        print(f"  python -c pass       : {summary(floor)}   (interpreter + site floor)")
        print(f"  python -c 'import peewee': {summary(peewee)}")

        r = subprocess.run([PYTHON, "-X", "importtime", "-m", "esurety_tui", "key", NUMBER], env=env,
                           capture_output=True, check=True, cwd=NEUTRAL_CWD)
        rows = importtimes(r.stderr)
        print()
        print_top_imports(rows, 15)
        names = {name for name, *_ in rows}
        print("  modules that a key look-up should not need:")
        for mod in HEAVY:
            hit = sorted(n for n in names if n == mod or n.startswith(mod + "."))
            print(f"    {mod:30} {'IMPORTED (%d modules)' % len(hit) if hit else 'not imported'}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
