"""Command palette (ctrl+p): jump to a contract by number or work name, copy its key, new
application, 申込一覧, 全体トップへ, log out. Only what makes sense in the current state is offered."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .widgets.text import literal, markup_literal

if TYPE_CHECKING:
    from .app import NetDeskApp


class ContractCommands(Provider):
    """Contracts found in the database by part of their number, orderer or work name."""

    @property
    def netdesk(self) -> NetDeskApp:
        return self.app  # type: ignore[return-value]

    async def search(self, query: str) -> Hits:
        session = self.netdesk.session
        if session is None or len(query.strip()) < 2:
            return
        from ..services import contracts

        rows = await asyncio.to_thread(contracts.find, session, query, 10)
        for r in rows:
            # The palette parses ``help`` as markup (and a str prompt too): data goes in escaped.
            label = literal(f"{r.number}  {r.work_name}")
            yield Hit(
                1.0,
                label,
                partial(self.netdesk.open_contract, r.id),
                text=label.plain,
                help=markup_literal(f"詳細を開く（{r.orderer_name}）"),
            )
        for r in rows:
            if r.electronic:
                label = literal(f"{r.number} の認証キーをコピー")
                yield Hit(0.9, label, partial(self._copy, r.id), text=label.plain, help=markup_literal(r.work_name))

    async def _copy(self, guarantee_id: int) -> None:
        from ..services import contracts

        d = await asyncio.to_thread(contracts.detail, self.netdesk.session, guarantee_id)
        if d.auth_key:
            self.netdesk.copy_key(d.number, d.auth_key)


class NetDeskCommands(Provider):
    """Actions of the logged-in user."""

    def _commands(self) -> list[tuple[str, object, str]]:
        app: NetDeskApp = self.app  # type: ignore[assignment]
        quit_item = ("終了", app.action_quit, "ネットデスクを終了します（Ctrl+Q）")
        if app.session is None:
            return [quit_item]
        items = [
            ("全体トップへ", app.action_top, "保証契約一覧を表示します"),
            ("ログアウト", app.action_logout, "ネットデスクからログアウトします"),
            quit_item,
        ]
        if app.session.role == "contractor":
            from .screens.drafts import DraftsScreen

            items[1:1] = [
                ("申込の作成(新規)", app.new_application, "保証申込を新しく作成します"),
                ("申込一覧", partial(app.push_screen, DraftsScreen()), "作成中・送信済の申込を表示します"),
            ]
        return items

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(literal(name), callback, text=name, help=markup_literal(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:  # highlight() parses its argument as markup: give it escaped text
                yield Hit(
                    score, matcher.highlight(markup_literal(name)), callback, text=name, help=markup_literal(help_text)
                )
