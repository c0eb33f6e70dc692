"""F1: the help page of the current screen (「…のヘルプ」)."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static


def help_text(name: str) -> str:
    try:
        text = (files("esurety_tui.tui") / "help" / f"{name}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return "このページのヘルプはありません。"
    return key_tables_as_lists(text)


def key_tables_as_lists(markdown: str) -> str:
    """Markdown tables become lists: Textual cuts table cells at 80 columns (「Ent…」「Ctr…」) where a
    list wraps. ``| キー | 操作 |`` rows read ``- **キー**　操作``; the header and rule rows go."""
    out: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not in_table:  # the header row
                in_table = True
                continue
            if all(set(c) <= set("-: ") for c in cells):
                continue
            key, rest = cells[0], "　".join(c for c in cells[1:] if c)
            out.append(f"- **{key}**　{rest}" if rest else f"- **{key}**")
            continue
        if in_table and out and out[-1].startswith("- "):
            out.append("")  # a list ends with a blank line
        in_table = False
        out.append(line)
    return "\n".join(out) + ("\n" if markdown.endswith("\n") else "")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "閉じる", id="close"),
        Binding("f1", "dismiss", "閉じる", show=False),
    ]

    def __init__(self, name: str, title: str) -> None:
        super().__init__()
        self._name = name
        self._title = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._title, classes="page-title", markup=False)
            yield Markdown(help_text(self._name))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
