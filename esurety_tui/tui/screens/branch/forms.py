"""Small forms over the branch screens: 謝絶の理由, 訂正 / 変更 / 取消, 発注者の登録・編集.

Keys: Enter moves to the next field (on the last one it confirms), F9 confirms, Esc cancels; the line
under each form that says so is made from its bindings (``keys_text``), so a [keymap] change shows.
Messages appear at the field; nothing typed is lost while a message shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from ....domain.errors import DomainError
from ....domain.money import format_number, format_yen, parse_amount
from ....domain.status import VersionKind
from ....domain.wareki import parse_ymd, to_wareki
from ....services.contracts import ContractDetail
from ...widgets.input import SafeInput
from ...widgets.text import literal
from ..help import keys_line


class FormDialog(ModalScreen[Any]):
    # ids of their own: a [keymap] for 取消 ("cancel") or 発注者へ提出 ("submit") leaves the dialogs alone
    BINDINGS = [
        Binding("f9", "submit", "確定", id="form_submit"),
        Binding("escape", "cancel", "やめる", id="form_cancel"),
    ]
    ENTER_TEXT = "次の項目／確定"  # what Enter in a field does (the input's own key, not a binding here)

    def keys_text(self) -> str:
        """The key line under the form, from the bindings with the keys in effect ([keymap])."""
        return f"Enter {self.ENTER_TEXT}  {keys_line(self)}"

    def on_mount(self) -> None:
        if self.app.is_headless:
            for field in self.query(Input):
                field.cursor_blink = False
        first = self.query(Input).first() if self.query(Input) else None
        if first is not None:
            first.focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            inputs[inputs.index(event.input) + 1].focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _hint(self, key: str, text: str, error: bool = False) -> None:
        hint = self.query_one(f"#hint-{key}", Static)
        hint.update(literal(text))
        hint.set_class(error, "error")

    def _message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(literal(text))


# --- 謝絶の理由 ---------------------------------------------------------------------------------------


class ReasonScreen(FormDialog):
    """謝絶: the reason is required (the contractor sees it). Returns the reason, or None."""

    BINDINGS = [Binding("f9", "submit", "謝絶する", id="form_submit", show=False)]  # one field: Enter says it
    ENTER_TEXT = "謝絶する"

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static("謝絶 — 理由を入力してください（申込者に表示されます）", id="form-title", markup=False)
            with Horizontal(classes="row"):
                yield Static("謝絶の理由", classes="label", markup=False)
                yield SafeInput(id="reason", max_length=400, placeholder="例: 財務内容の確認資料が不足しているため")
            yield Static("", id="form-message", markup=False)
            yield Static(self.keys_text(), id="form-keys", markup=False)

    def action_submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self._message("謝絶の理由を入力してください。")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(reason)


# --- 訂正 / 変更 / 取消 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    key: str
    label: str
    kind: str  # text | amount | date


AMEND_FIELDS = (
    _Field("work_name", "工事名", "text"),
    _Field("contract_amount", "請負金額", "amount"),
    _Field("guarantee_amount", "保証金額", "amount"),
    _Field("start_date", "保証開始日", "date"),
    _Field("end_date", "保証期限", "date"),
    _Field("deposit_bank", "預託金融機関", "text"),
)


def _shown(kind: str, value: object) -> str:
    """The text a field starts with: amounts with commas, dates as YYYYMMDD."""
    if kind == "amount":
        return format_number(value)  # type: ignore[arg-type]
    if kind == "date":
        return f"{value:%Y%m%d}"  # type: ignore[str-format]
    return str(value or "")


def _parse(f: _Field, text: str) -> object:
    if f.kind == "amount":
        return parse_amount(text, label=f.label)
    if f.kind == "date":
        return parse_ymd(text, label=f.label)
    value = text.strip()
    if not value:
        raise DomainError(f"{f.label}を入力してください。")
    return value


def _feedback(f: _Field, value: object) -> str:
    if f.kind == "amount":
        return format_yen(value)  # type: ignore[arg-type]
    if f.kind == "date":
        return to_wareki(value)  # type: ignore[arg-type]
    return ""


class AmendScreen(FormDialog):
    """訂正 / 変更: the fields that may change (services.issuing.VERSIONED) and a note; 取消: the note.
    Returns {"note": …, field: value for each changed field}, or None."""

    def __init__(self, kind: VersionKind, detail: ContractDetail) -> None:
        super().__init__()
        self.kind = kind
        self.detail = detail
        self.fields = () if kind == VersionKind.CANCEL else AMEND_FIELDS

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(id="form"):
            title = f"{self.kind.label} — {d.number} {d.product_name}"
            if self.kind == VersionKind.CANCEL:
                title += "（保証契約を取り消します）"
            yield Static(title, id="form-title", markup=False)
            for f in self.fields:
                current = getattr(d, f.key)
                with Horizontal(classes="row"):
                    yield Static(f.label, classes="label", markup=False)
                    yield SafeInput(_shown(f.kind, current), id=f"f-{f.key}", max_length=100)
                    yield Static(_feedback(f, current), id=f"hint-{f.key}", classes="hint", markup=False)
            with Horizontal(classes="row"):
                yield Static("備考" if self.kind != VersionKind.CANCEL else "取消の理由", classes="label", markup=False)
                yield SafeInput(id="f-note", max_length=200, placeholder="例: 請負契約の変更（増額）")
                yield Static("", id="hint-note", classes="hint", markup=False)
            yield Static("", id="form-message", markup=False)
            yield Static(self.keys_text(), id="form-keys", markup=False)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("f-")
        f = next((f for f in self.fields if f.key == key), None)
        if f is None:
            return
        try:
            self._hint(key, _feedback(f, _parse(f, event.value)))
        except DomainError as e:
            self._hint(key, str(e), error=True)

    def action_submit(self) -> None:
        changes: dict[str, object] = {}
        first_bad = None
        for f in self.fields:
            field = self.query_one(f"#f-{f.key}", Input)
            try:
                value = _parse(f, field.value)
            except DomainError as e:
                self._hint(f.key, str(e), error=True)
                first_bad = first_bad or field
                continue
            if value != getattr(self.detail, f.key):
                changes[f.key] = value
        if first_bad is not None:
            self._message("入力内容に誤りがあります。")
            first_bad.focus()
            return
        start = changes.get("start_date", self.detail.start_date)
        end = changes.get("end_date", self.detail.end_date)
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self._hint("end_date", "保証期限は保証開始日以降にしてください。", error=True)
            self._message("入力内容に誤りがあります。")
            self.query_one("#f-end_date", Input).focus()
            return
        note = self.query_one("#f-note", Input).value.strip()
        if self.fields and not changes:
            self._message(f"{self.kind.label}する項目がありません。値を書き換えてください。")
            return
        if self.kind == VersionKind.CANCEL and not note:
            self._hint("note", "取消の理由を入力してください。", error=True)
            return
        self.dismiss({"note": note, **changes})


# --- 発注者 --------------------------------------------------------------------------------------------


class OrdererFormScreen(FormDialog):
    """発注者の登録・編集: saved through services.orderers in a worker; returns the saved name."""

    BINDINGS = [
        Binding("f5", "toggle_electronic", "電子保証の切替", id="toggle_electronic"),
        Binding("f9", "submit", "登録", id="form_submit"),
    ]
    ENTER_TEXT = "次の項目／登録"

    class Saved(Message):
        def __init__(self, orderer_name: str) -> None:
            super().__init__()
            self.orderer_name = orderer_name

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, orderer=None) -> None:
        super().__init__()
        self.orderer = orderer  # services.orderers.OrdererRow or None (新規)

    def compose(self) -> ComposeResult:
        o = self.orderer
        with Vertical(id="form"):
            yield Static("発注者の編集" if o else "発注者の登録", id="form-title", markup=False)
            rows: tuple[tuple[str, str, str, str], ...] = (
                ("name", "発注者名", o.name if o else "", "例: 川崎市長"),
                (
                    "rounding",
                    "端数単位(円)",
                    str(o.rounding_unit) if o and o.rounding_unit > 1 else "",
                    "例: 10000（1万円単位）",
                ),
                ("email", "提出先メール", o.email if o else "", "発注者へ提出の宛先"),
                ("address", "住所", o.address if o else "", ""),
            )
            for key, label, value, placeholder in rows:
                with Horizontal(classes="row"):
                    yield Static(label, classes="label", markup=False)
                    yield SafeInput(value, id=f"f-{key}", placeholder=placeholder, max_length=254)
                    yield Static("", id=f"hint-{key}", classes="hint", markup=False)
                if key == "name":
                    with Horizontal(classes="row"):
                        yield Static("電子保証", classes="label", markup=False)
                        yield Checkbox("電子保証に対応", bool(o and o.accepts_electronic), id="f-electronic")
            yield Static("", id="form-message", markup=False)
            yield Static(self.keys_text(), id="form-keys", markup=False)

    def action_toggle_electronic(self) -> None:
        self.query_one("#f-electronic", Checkbox).toggle()

    def action_submit(self) -> None:
        values = {k: self.query_one(f"#f-{k}", Input).value for k in ("name", "rounding", "email", "address")}
        rounding_text = values["rounding"].strip()
        rounding = 1
        if rounding_text:
            try:
                rounding = parse_amount(rounding_text, label="端数単位")
            except DomainError as e:
                self._hint("rounding", str(e), error=True)
                return
        self._save(values, rounding, self.query_one("#f-electronic", Checkbox).value)

    @work(thread=True, exclusive=True, group="orderer-save")
    def _save(self, values: dict[str, str], rounding: int, electronic: bool) -> None:
        from ....services import orderers
        from ....services.errors import ServiceError

        session = self.app.session  # type: ignore[attr-defined]
        try:
            fields = {
                "accepts_electronic": electronic,
                "email": values["email"],
                "address": values["address"],
                "rounding": rounding,
            }
            if self.orderer is None:
                row = orderers.add(session, values["name"], **fields)
            else:
                row = orderers.update(session, self.orderer.id, name=values["name"], **fields)
        except ServiceError as e:
            self.post_message(self.Refused(str(e)))
            return
        self.post_message(self.Saved(row.name))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.dismiss(message.orderer_name)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._message(message.text)
