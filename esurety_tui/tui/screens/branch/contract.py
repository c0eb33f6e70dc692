"""The branch's 電子保証概要: the contractor's detail screen plus F7 訂正, F8 変更, F9 取消 and
F10 (Ctrl+R) 認証キーの再発行 — offered to a branch session only (the services refuse anyway).
A paper guarantee shows its 受取方法 where an electronic one shows its key."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from ....domain.status import VersionKind
from ....services.contracts import ContractDetail
from ...widgets.text import literal
from ..confirm import ConfirmScreen
from ..detail import DetailScreen
from .actions import BranchActions

AMEND_KEYS = {"correct": VersionKind.CORRECTION, "change": VersionKind.CHANGE, "cancel": VersionKind.CANCEL}


class BranchContractScreen(BranchActions, DetailScreen):
    HELP = "branch_contract"
    HELP_TITLE = "保証契約（支店）のヘルプ"
    BINDINGS = [
        # 印刷 and コピー are written next to the key: the footer keeps room for the branch's actions.
        Binding("f5", "print", "印刷", id="print", show=False, tooltip="「認証キー」のお知らせ(PDF)の印刷"),
        Binding("f6", "copy_key", "コピー", id="copy", show=False, tooltip="認証キーのコピー"),
        Binding(
            "f7",
            "amend('correct')",
            "訂正",
            id="correct",
            tooltip="訂正: 誤りを正した新しい版を発行します（訂正前の版は履歴に表示されません）",
        ),
        Binding(
            "f8", "amend('change')", "変更", id="change", tooltip="変更: 請負契約の変更などによる新しい版を発行します"
        ),
        Binding("f9", "amend('cancel')", "取消", id="cancel", tooltip="取消: 保証契約を取り消します（理由が必要です）"),
        Binding(
            "f10,ctrl+r",
            "reissue",
            "再発行",
            id="reissue",
            tooltip="認証キーの再発行: 新しい認証キーを発行し、旧キーは直ちに無効になります。申込者に通知し、"
            "「認証キー」のお知らせを発注者へ再提出してもらいます",
        ),
    ]

    class Receipt(Message):
        """受取方法 of a paper certificate."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _is_branch(self) -> bool:
        from ....services.session import Role

        session = self.netdesk.session
        return session is not None and session.role in (Role.BRANCH, Role.SYSTEM)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("amend", "reissue"):
            if not self._is_branch():
                return False
            d = self.detail
            if self.busy or d is None or d.cancelled:
                return None
            if action == "reissue" and not d.electronic:
                return None
            return True
        return super().check_action(action, parameters)

    def _show(self, d: ContractDetail) -> None:
        super()._show(d)
        self.refresh_bindings()
        if not d.electronic:
            # A paper certificate has no key to tell, print or copy: its 受取方法 instead.
            title = f"保証契約概要({d.product_name}) 証書(紙)" + ("  【取消】" if d.cancelled else "")
            self.query_one(".page-title", Static).update(title)
            self.query_one("#key-note").display = False
            self.query_one("#key-actions").display = False
            self.load_receipt(d.id)

    @work(thread=True, exclusive=True, group="receipt")
    def load_receipt(self, guarantee_id: int) -> None:
        from ....services import review
        from ....services.errors import ServiceError

        try:
            text = review.receipt_of_contract(self.netdesk.session, guarantee_id)
        except ServiceError:
            return
        if text:
            self.post_message(self.Receipt(text))

    @on(Receipt)
    def _show_receipt(self, message: Receipt) -> None:
        self.query_one("#key-label", Static).update("受取方法")
        shown = self.query_one("#auth-key", Static)
        shown.styles.content_align = ("left", "middle")
        shown.update(literal(f"証書(紙)  {message.text}"))

    # 訂正 / 変更 / 取消 ---------------------------------------------------------------

    def action_amend(self, which: str) -> None:
        from .forms import AmendScreen

        d = self.detail
        if d is None:
            return
        kind = AMEND_KEYS[which]

        def filled(values: dict | None) -> None:
            if not values:
                return
            changed = [k for k in values if k != "note"]
            what = f"（{len(changed)}項目）" if changed else ""
            question = f"{d.number}に「{kind.label}」の新しい版{what}を発行しますか？"
            if kind == VersionKind.CANCEL:
                question = f"{d.number} を取り消しますか？取り消した保証契約は元に戻せません。"

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.amend(d.number, kind, values)

            self.app.push_screen(ConfirmScreen(question, yes=kind.label), confirmed)

        self.app.push_screen(AmendScreen(kind, d), filled)

    def amend(self, number: str, kind: VersionKind, values: dict) -> None:
        from ....services import issuing

        changes = dict(values)
        note = changes.pop("note", "")

        def call(session) -> str:
            issuing.amend(session, number, kind, note=note, **changes)
            return f"{kind.label}の新しい版を発行しました（{number}）。"

        self.run_action(call)

    # 認証キーの再発行 -------------------------------------------------------------------

    def action_reissue(self) -> None:
        d = self.detail
        if d is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.reissue(d.number)

        self.app.push_screen(
            ConfirmScreen(
                f"{d.number} の認証キーを再発行しますか？\n今の認証キーは直ちに使えなくなります。"
                "申込者に「認証キー」のお知らせの再提出を依頼してください。",
                yes="再発行",
            ),
            confirmed,
        )

    def reissue(self, number: str) -> None:
        from ....services import issuing

        def call(session) -> str:
            issuing.reissue_key(session, number)
            return f"認証キーを再発行しました（{number}）。旧キーは無効です。申込者へ通知しました。"

        self.run_action(call, mail=True)  # the notice to the contractor


__all__ = ["BranchContractScreen", "Text"]
