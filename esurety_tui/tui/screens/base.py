"""Base screen: header with the user, a page title, the footer, and the keys every page shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..messages import Missing
from ..widgets.header import PageHeader

if TYPE_CHECKING:
    from ..app import NetDeskApp


class NetDeskScreen(Screen):
    """Every logged-in page. Subclasses set PAGE_TITLE and HELP (help/<HELP>.md), and compose_body()."""

    PAGE_TITLE: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    HELP_TITLE: ClassVar[str] = ""
    SHOW_LINKS: ClassVar[bool] = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "ヘルプ", id="help"),
        # Shown in the header (「全体トップへ」「ログアウト」), so not repeated in the footer.
        Binding("f2", "app.top", "全体トップへ", id="top", show=False),
        Binding("f3", "app.logout", "ログアウト", id="logout", show=False),
        Binding("escape", "back", "戻る", id="back"),
    ]

    @property
    def netdesk(self) -> NetDeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        session = self.netdesk.session
        yield PageHeader(session.display_name if session else "", links=self.SHOW_LINKS)
        if self.PAGE_TITLE:
            yield Static(self.PAGE_TITLE, classes="page-title", markup=False)
        yield from self.compose_body()
        yield Footer(compact=True)  # every page's keys fit in 80 columns

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls each class's on_mount along the MRO, so subclasses need not call this.
        if self.app.is_headless:  # deterministic snapshots: no blinking cursor
            from textual.widgets import Input

            for field in self.query(Input):
                field.cursor_blink = False

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen.for_screen(self, self.HELP, self.HELP_TITLE or f"{self.PAGE_TITLE}のヘルプ"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.app.screen_stack) > 2  # nothing to go back to on the first page
        return True

    def on_missing(self, message: Missing) -> None:
        """What this page shows could not be loaded (gone, or not the caller's): say so, go back."""
        self.notify(message.text, severity="error")
        self.app.pop_screen()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
