"""F1: the help page of the current screen (「…のヘルプ」)."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static


def help_text(name: str) -> str:
    """The screen's prose (``tui/help/<name>.md``); its keys come from its bindings (``key_lines``)."""
    try:
        text = (files("esurety_tui.tui") / "help" / f"{name}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return "このページのヘルプはありません。"
    return text


_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "delete": "Delete",
    "backspace": "Backspace",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "insert": "Insert",
}


def key_label(key: str) -> str:
    """A key as the help writes it: F5, Ctrl+F, Shift+Tab, Esc."""
    *modifiers, name = key.strip().split("+")
    if name[:1] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        shown = _KEY_NAMES.get(name, name.upper() if len(name) == 1 else name)
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def _declared(cls: type) -> dict[str, list[Binding]]:
    """Binding id -> its bindings (one per key) with a description, as ``cls`` declares them. As in
    Textual's merge, a subclass hides a base's binding by declaring its id again or its key; the most
    derived class's ids come first."""
    found: dict[str, list[Binding]] = {}
    keys: set[str] = set()
    for klass in cls.__mro__:
        mine: dict[str, list[Binding]] = {}
        declared = list(Binding.make_bindings(klass.__dict__.get("BINDINGS", [])))
        for binding in declared:
            if binding.id and binding.description and binding.id not in found and binding.key not in keys:
                mine.setdefault(binding.id, []).append(binding)
        keys.update(binding.key for binding in declared)
        found.update(mine)
    return found


def _available(node: DOMNode, action: str) -> bool:
    """False when ``node.check_action`` hides the action now (as the footer does); other namespaces
    (``app.…``) are always listed."""
    from textual.actions import parse

    target, name, params = parse(action)
    if target:
        return True
    try:
        return node.check_action(name, params) is not False
    except Exception:
        return True


def key_lines(screen: DOMNode) -> list[tuple[str, str]]:
    """(keys, what they do: the binding's tooltip, else its description) for every binding with an id
    and a description on ``screen`` and the app, with the keys in effect now (the app's keymap: ``[keymap]`` in config.toml). Several keys for one
    binding id read "F10 / Ctrl+R"."""
    app = screen.app
    keymap: dict[str, str] = dict(getattr(app, "_keymap", None) or {})
    rows: dict[str, tuple[str, str]] = {}
    for node in (screen, app):
        for binding_id, bindings in _declared(type(node)).items():
            first = bindings[0]
            if binding_id in rows or not _available(node, first.action):
                continue
            if binding_id in keymap:
                keys = [key_label(k) for k in keymap[binding_id].split(",") if k.strip()]
            else:
                keys = list(dict.fromkeys(b.key_display or key_label(b.key) for b in bindings))
            what = first.tooltip or first.description  # the tooltip is the long form, if any
            rows[binding_id] = (" / ".join(keys), what)
    return list(rows.values())


def key_of(node: DOMNode, binding_id: str) -> str:
    """The key(s) now bound to ``binding_id`` on ``node`` (or the app), as the help writes them ("F5",
    "Ctrl+K/F6"): for hints in the page's own text, so that a [keymap] change shows there too."""
    keymap: dict[str, str] = dict(getattr(node.app, "_keymap", None) or {})
    if binding_id in keymap:
        return "/".join(key_label(k) for k in keymap[binding_id].split(",") if k.strip())
    for owner in (node, node.app):
        bindings = _declared(type(owner)).get(binding_id)
        if bindings:
            return "/".join(dict.fromkeys(b.key_display or key_label(b.key) for b in bindings))
    return ""


def keys_line(node: DOMNode) -> str:
    """``node``'s own keys in one line ("F9 確定  Esc やめる"): the bindings it declares with an id, a
    description and ``show``, in declaration order (a subclass's first), with the keys now in effect
    (``key_of``): the key line of a dialog that has no footer."""
    return "  ".join(
        f"{key_of(node, binding_id)} {bindings[0].description}"
        for binding_id, bindings in _declared(type(node)).items()
        if bindings[0].show
    )


def keys_markdown(lines: list[tuple[str, str]]) -> str:
    """The keys as a Markdown list (``- **F5**　印刷``): Textual cuts table cells at 80 columns where a
    list wraps. Key names are code, never markup."""

    def plain(text: str) -> str:
        return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")

    return "\n".join(f"- **{plain(keys)}**　{plain(what)}" for keys, what in lines) + "\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "閉じる", id="close"),
        Binding("f1", "dismiss", "閉じる", show=False),
    ]

    def __init__(self, name: str, title: str, keys: list[tuple[str, str]] | None = None) -> None:
        """``name``: the prose (``help/<name>.md``); ``keys``: ``key_lines(screen)`` of the screen it
        helps with, listed after the prose."""
        super().__init__()
        self._name = name
        self._title = title
        self._keys = keys or []

    @classmethod
    def for_screen(cls, screen: DOMNode, name: str, title: str) -> HelpScreen:
        return cls(name, title, key_lines(screen))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._title, classes="page-title", markup=False)
            text = help_text(self._name).rstrip("\n") + "\n"
            if self._keys:
                text += "\n" + keys_markdown(self._keys)
            yield Markdown(text)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
