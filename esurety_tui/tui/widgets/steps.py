"""The 保証申込 step line: 「申込作成 > 申込確認 > 送信完了」 with the current step highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

STEPS = ("申込作成", "申込確認", "送信完了")


def step_text(current: int) -> Text:
    """Steps joined by ' > '; ``current`` (0..2) in reverse video, the others muted."""
    text = Text()
    for i, name in enumerate(STEPS):
        if i:
            text.append(" > ", style="dim")
        if i == current:
            text.append(f" {name} ", style="bold reverse")
        else:
            text.append(name, style="dim" if i > current else "")
    return text


class StepLine(Static):
    def __init__(self, current: int, *, id: str | None = None) -> None:
        super().__init__(step_text(current), id=id)
