"""What the branch's 申込内容 and 保証契約 screens do for 引受 / 謝絶 / 発行 / 訂正 / 変更 / 取消 / 再発行:
the keys dimmed while it runs, the service called in a worker with the screen's session, the answer
said in a toast, the queued notice mail delivered, the page read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel


class ActionDone(Message):
    """A branch action is done (or refused): ``text`` to say; ``mail``: deliver the queued mail now."""

    def __init__(self, text: str, severity: SeverityLevel, *, mail: bool = False) -> None:
        super().__init__()
        self.text, self.severity, self.mail = text, severity, mail


class BranchActions:
    """Mixed into a NetDeskScreen that has ``load()`` (read the page again) and dims its actions while
    ``busy`` (``check_action``)."""

    busy = False

    def run_action(self, call: Callable[[Any], str], *, mail: bool = False) -> None:
        """``call(session)`` runs a service and returns what to say; ``mail``: it queues a mail."""
        self.busy = True
        self.refresh_bindings()  # type: ignore[attr-defined]
        self._act(call, mail)

    @work(thread=True, exclusive=True, group="branch-action")
    def _act(self, call: Callable[[Any], str], mail: bool) -> None:
        from ....services.errors import ServiceError

        post = self.post_message  # type: ignore[attr-defined]
        try:
            text = call(self.netdesk.session)  # type: ignore[attr-defined]
        except ServiceError as e:
            post(ActionDone(str(e), "error"))
            return
        except Exception as e:
            post(ActionDone(f"処理できませんでした: {e}", "error"))
            return
        post(ActionDone(text, "information", mail=mail))

    def on_action_done(self, message: ActionDone) -> None:
        if message.mail:
            self.netdesk.send_mail()  # type: ignore[attr-defined]
        self.busy = False
        self.notify(message.text, severity=message.severity, timeout=12)  # type: ignore[attr-defined]
        self.load()  # type: ignore[attr-defined]
