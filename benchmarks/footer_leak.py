"""Textual's Footer keeps every FooterKey it ever composed: a bare app, no code of esurety's.

    python benchmarks/footer_leak.py [--changes 200] [--patched]

A screen with an Input, a focusable widget with a key of its own in the footer, and a Footer; focus
moves between the two ``--changes`` times. Every focus change changes the keys the footer shows, the
Footer recomposes (removes its FooterKeys and composes new ones), and ``FooterKey(...).data_bind(compact=Footer.compact)`` adds a watcher
``(FooterKey, setter)`` to the Footer's ``__watchers["compact"]`` list. Textual prunes that list
only when ``compact`` itself changes, which it never does after mount: every removed FooterKey
stays reachable from the Footer (Textual 8.2.8; upstream report: docs/upstream/textual-footer-leak.md).

Prints live / mounted FooterKey objects (after gc.collect()), the length of the watcher list and
the process's RSS. ``--patched`` first applies esurety's workaround (esurety_tui.tui.patches).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def census(app) -> tuple[int, int, int]:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    gc.collect()
    live = sum(1 for o in gc.get_objects() if isinstance(o, FooterKey))
    mounted = len(app.screen.query(FooterKey))
    watchers = len(getattr(app.screen.query_one(Footer), "__watchers", {}).get("compact", []))
    return live, mounted, watchers


async def main(changes: int, patched: bool) -> None:
    if patched:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from esurety_tui.tui import patches

        print(f"esurety's patches applied: {patches.APPLIED}")
    import textual
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Input, Static

    class Keyed(Static, can_focus=True):
        BINDINGS = [Binding("f5", "app.bell", "更新")]

    class Bare(App[None]):
        BINDINGS = [Binding("f2", "bell", "ベル"), Binding("f3", "bell", "もう一つ")]

        def compose(self) -> ComposeResult:
            yield Input(id="a")
            yield Keyed("F5 here", id="b")
            yield Footer()

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(f"Textual {textual.__version__}")
        print(f"{'focus changes':>14} {'live FooterKey':>15} {'mounted':>8} {'compact watchers':>17} {'RSS':>10}")
        for done in range(changes + 1):
            if done % max(1, changes // 4) == 0 or done == changes:
                live, mounted, watchers = census(app)
                print(f"{done:>14} {live:>15} {mounted:>8} {watchers:>17} {rss_kib() / 1024:>7.1f} MiB")
            if done < changes:
                app.screen.focus_next()
                await pilot.pause()
                await pilot.pause()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--patched", action="store_true")
    args = ap.parse_args()
    asyncio.run(main(args.changes, args.patched))
