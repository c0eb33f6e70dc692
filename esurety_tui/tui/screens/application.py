"""保証申込 (申込作成): the four-tab form, validated as the user types, saved as a draft as they type.

Everything the user typed lives in ``self.raw`` (field key -> raw text, exactly as typed); widgets only
report changes into it. Validation (``rules.validate_application``) runs on every change with the
orderer's terms cached here, so typing never waits for the database. The draft is saved 0.3 s after the
last change in a thread worker, and synchronously when the screen goes away (back, 全体トップへ,
ログアウト, quitting the app): a dropped connection loses at most the last fraction of a second.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets.select import InvalidSelectValueError
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from ...clock import now
from ...domain.errors import DomainError
from ...domain.fields import (
    DEFAULTS,
    FIELD_BY_KEY,
    FIELDS,
    ROWS,
    SECTIONS,
    Control,
    Field,
    Kind,
    fields_of,
    is_ticked,
)
from ...domain.money import format_yen, parse_amount
from ...domain.rules import OrdererTerms, Problem, Validation, validate_application
from ...domain.text import to_fullwidth
from ...domain.wareki import parse_ymd, to_wareki
from ...services import applications
from ...services.applications import BranchChoice, OrdererChoice
from ...services.errors import InvalidState, ServiceError
from ..widgets.input import SafeInput
from ..widgets.steps import StepLine
from ..widgets.text import literal
from .base import NetDeskScreen
from .confirm import ConfirmScreen

ECHO_KINDS = frozenset({Kind.AMOUNT, Kind.AMOUNT_K, Kind.DATE})
DATE_HINT = "(入力例: 20191001)"
ELECTRONIC_KEYS = ("advance_form", "contract_form")
SAVE_DELAY = 0.3
NEW_DRAFT = "新規（入力すると下書きを保存）"


def gates(raw: dict[str, str]) -> dict[str, bool]:
    """Field key -> whether its widget is enabled: each field's ``enabled_when``, as the rules read it."""
    return {f.key: f.enabled(raw) for f in FIELDS if f.enabled_when}


def required_mark(f: Field, raw: dict[str, str]) -> str:
    """「必須」 beside a field: always for ``required``; while its condition holds for ``required_when``."""
    return "必須" if f.required_now(raw) else ""


def echo_text(field: Field, text: str) -> str:
    """What an amount or date input reads as: '20,000,000円', '令和5年3月20日' ('' if not readable)."""
    if not text.strip():
        return DATE_HINT if field.kind is Kind.DATE else ""
    try:
        if field.kind is Kind.AMOUNT:
            return format_yen(parse_amount(text, label=field.label, unit="円"))
        if field.kind is Kind.AMOUNT_K:
            return format_yen(parse_amount(text, label=field.label, unit="千円"), "千円")
        if field.kind is Kind.DATE:
            return f"{to_wareki(parse_ymd(text, label=field.label))} {DATE_HINT}"
    except DomainError:
        return DATE_HINT if field.kind is Kind.DATE else ""
    return ""


def compact_footer(screen: NetDeskScreen) -> None:
    """Seven keys in 80 columns: compact footer; the palette (ctrl+p) still works, its hint is hidden."""
    footer = screen.query_one(Footer)
    footer.compact = True
    footer.show_command_palette = False


def orderer_label(o: OrdererChoice) -> str:
    return f"{o.name}（電子保証対応）" if o.accepts_electronic else f"{o.name}（電子保証非対応）"


class TickBox(Checkbox):
    """A checkbox whose unticked state is told apart by its glyph too (「X」 / blank), not by colour only."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's class attribute, read per render
        return "X" if self.value else " "


class FormScroll(VerticalScroll, can_focus=False):
    """A tab's form: scrolls to the focused field, is not itself a Tab stop."""


class QMark(Static):
    """The 「?」 after a field: click (or F4 on the field) shows the field's help."""

    def __init__(self, key: str) -> None:
        super().__init__("?", classes="qmark")
        self.key = key

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.screen.show_field_help(self.key)  # type: ignore[attr-defined]


class FieldHelpScreen(ModalScreen[None]):
    """「?」: the label and help text of one field."""

    BINDINGS = [
        Binding("escape", "dismiss", "閉じる", id="close_field_help"),
        Binding("f4,enter", "dismiss", "閉じる", id="close_field_help_keys", show=False),
    ]

    def __init__(self, field: Field) -> None:
        super().__init__()
        self._field = field

    def compose(self) -> ComposeResult:
        with Vertical(id="field-help"):
            yield Static(f"「{self._field.label}」について", id="field-help-title", markup=False)
            yield Static(self._field.help or "この項目の説明はありません。", id="field-help-text", markup=False)
            yield Static("Esc 閉じる", id="field-help-close", markup=False)
        yield Footer(compact=True)


@dataclass(frozen=True)
class _Loaded:
    application_id: int | None  # None: 申込の作成(新規), stored once something is typed
    raw: dict[str, str]
    orderers: list[OrdererChoice]
    branches: list[BranchChoice]
    terms: dict[str, OrdererTerms | None]
    number: int = 0  # 下書き No. within the company
    revision: int = 0  # the draft's revision when loaded (a later save from it may be a conflict)


class ApplicationScreen(NetDeskScreen):
    """保証申込 (申込作成): four tabs of fields, messages at the fields, F9 申込確認."""

    PAGE_TITLE = "保証申込"
    HELP = "application"
    HELP_TITLE = "保証申込のヘルプ"

    # Priority bindings run as the key arrives, before the next key is routed: with type-ahead (a burst
    # of keys over a slow SSH link) "abc<Enter>def" must put "def" in the next field, not the same one.
    BINDINGS = [
        Binding("f9", "review", "申込確認", id="review", priority=True),
        Binding("f4", "field_help", "項目説明", id="field_help", priority=True),
        Binding("f5", "tab(-1)", "前タブ", id="prev_tab", priority=True),
        Binding("f6", "tab(1)", "次タブ", id="next_tab", priority=True),
        Binding("f7", "clear_section", "クリア", id="clear_section", priority=True),
        # 「電子保証対応の発注者はこちら」 (shown on the form's first tab; the footer is full at 80 columns)
        Binding("f8", "electronic_orderers", "電子保証対応の発注者", id="electronic_orderers", show=False,
                priority=True),
        Binding("tab", "next_field", "次の項目", id="next_field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "前の項目", id="previous_field", show=False, priority=True),
        Binding("enter", "enter", "次の項目", id="enter_next_field", show=False, priority=True),
    ]

    # Its rules are in app.tcss (「保証申込」): every widget edge under a Select's drop-down sits on an even column.

    class Loaded(Message):
        def __init__(self, data: _Loaded) -> None:
            super().__init__()
            self.data = data

    class LoadFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class Saved(Message):
        def __init__(self, stamp: str) -> None:
            super().__init__()
            self.stamp = stamp

    class Copied(Message):
        """Another session saved this draft meanwhile: what was typed here went to a new draft."""

        def __init__(self, number: int | None) -> None:
            super().__init__()
            self.number = number

    class SaveFailed(Message):
        def __init__(self, message: str, refused: bool) -> None:
            super().__init__()
            self.message = message
            self.refused = refused

    def __init__(self, application_id: int | None) -> None:
        super().__init__()
        self.application_id = application_id
        self._revision = 0
        self.raw: dict[str, str] = {f.key: "" for f in FIELDS}
        self.touched: set[str] = set()
        self.show_all = False
        self.validation = Validation()
        self.loaded = False
        self._terms: dict[str, OrdererTerms | None] = {}
        self._orderers: dict[str, OrdererChoice] = {}
        self._branches: dict[str, BranchChoice] = {}
        self._default_branch = ""
        self._session = None
        self._save_timer: Timer | None = None
        self._dirty = False
        self._finished = False  # submitted or refused by the store: never save again
        self._seq = 0  # change counter: a save older than the last stored one is dropped
        self._stored_seq = 0
        self._save_lock = threading.Lock()
        self._offering_paper = False
        self._converted: set[str] = set()  # 全角 fields converted on leaving them (message until edited)

    # compose ------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="app-steps"):
            yield StepLine(0)
            yield Static("", id="draft-status", markup=False)
        with TabbedContent(id="app-tabs", initial="tab-work"):
            for section, title, clear in SECTIONS:
                with TabPane(title, id=f"tab-{section}"):
                    with FormScroll(id=f"scroll-{section}"):
                        with Horizontal(classes="form-head"):
                            yield Static(clear.removesuffix("をクリア"), classes="form-head-title", markup=False)
                            yield Static(f"F7 {clear}", classes="form-head-clear", markup=False)
                            if section == "work":
                                yield Static("F8 電子保証対応の発注者はこちら", classes="form-head-clear",
                                             id="electronic-orderers-link", markup=False)
                        yield from self._compose_section(section)

    def _compose_section(self, section: str) -> Iterable[Widget]:
        """A tab's rows in declaration order: sub-headings, switches, composite rows, single fields."""
        for f in fields_of(section):
            if f.heading:
                yield Static(f.heading, classes="sub-head", markup=False)
            if f.row:
                if f is ROWS[f.row][0]:
                    yield self._composite_group(f.row)
            elif f.control is Control.SWITCH:
                yield self._apply_group(f)
            else:
                yield self._field_group(f)

    def _widget(self, f: Field) -> Widget:
        wid = f"f-{f.key}"
        if f.control is Control.INPUT:
            widget = SafeInput(id=wid, compact=True, select_on_focus=False, max_length=f.max_length)
            if f.width:
                widget.styles.width = f.width + 2
            return widget
        if f.control in (Control.CHECK, Control.SWITCH):
            return TickBox(f.check_label or f.label, id=wid, compact=True)
        if f.control is Control.PICK:
            return Select([], id=wid, prompt="選択してください", compact=True)
        if f.control is Control.SELECT:
            return Select([(label, value) for value, label in f.choices], id=wid, allow_blank=False,
                          compact=True, classes="fee")
        buttons = [RadioButton(label, name=value, id=f"o-{f.key}-{value}", compact=True) for value, label in f.choices]
        return RadioSet(*buttons, id=wid, compact=True, classes="across" if len(f.choices) <= 2 else "")

    def _field_group(self, f: Field) -> Vertical:
        parts: list[Widget] = [
            Static(f.shown_label, classes="label", markup=False),
            Static("必須" if f.ever_required else "", classes="req", markup=False),
            self._widget(f),
        ]
        if f.unit:
            parts.append(Static(f.unit, classes="unit", markup=False))
        parts.append(QMark(f.key))
        if f.kind in ECHO_KINDS:
            parts.append(Static("", id=f"x-{f.key}", classes="echo", markup=False))
        children: list[Widget] = [Horizontal(*parts, classes="row")]
        if f.note:
            children.append(Static(f.note, classes="field-note", markup=False))
        children.append(Static("", id=f"e-{f.key}", classes="msg", markup=False))
        return Vertical(*children, id=f"r-{f.key}", classes="field")

    def _apply_group(self, f: Field) -> Vertical:
        """前払金保証 / 契約保証: the switch, then 手続状況 (and 保証契約番号), read-only."""
        which = f.key.removesuffix("_apply")
        head = Horizontal(
            Static(f.shown_label, classes="label head-label", markup=False),
            Static("", classes="req"),
            self._widget(f),
            QMark(f.key),
            classes="row",
        )
        status: list[Widget] = [
            Static("手続状況", classes="label", markup=False),
            Static("", classes="req"),
            Static("未送信", id=f"ro-{which}-status", classes="ro-value", markup=False),
        ]
        if which == "advance":
            status += [
                Static("保証契約番号", classes="part", markup=False),
                Static("", id="ro-advance-number", classes="ro-value", markup=False),
            ]
        return Vertical(
            head,
            Horizontal(*status, classes="row"),
            Static("", id=f"e-{f.key}", classes="msg", markup=False),
            id=f"r-{f.key}",
            classes="field apply",
        )

    def _composite_group(self, row: str) -> Vertical:
        """Several small inputs on one line (seed: 受取希望日 [ ]月 [ ]日まで), each with its unit after it."""
        fields = ROWS[row]
        first = fields[0].key
        parts: list[Widget] = [
            Static(row, classes="label", markup=False),
            Static("必須" if any(f.ever_required for f in fields) else "", classes="req", markup=False),
        ]
        for f in fields:
            parts.append(self._widget(f))
            parts.append(Static(f.unit, classes="part", markup=False))
        parts.append(QMark(first))
        msgs = [Static("", id=f"e-{f.key}", classes="msg", markup=False) for f in fields]
        return Vertical(Horizontal(*parts, classes="row"), *msgs, id=f"r-{first}", classes="field")

    def _group_of(self, key: str) -> Widget | None:
        if row := FIELD_BY_KEY[key].row:
            key = ROWS[row][0].key
        try:
            return self.query_one(f"#r-{key}")
        except Exception:  # noqa: BLE001 - not composed (should not happen)
            return None

    # start-up -----------------------------------------------------------------

    def on_mount(self) -> None:
        self._session = self.netdesk.session
        compact_footer(self)
        self.query_one("#app-tabs", TabbedContent).disabled = True
        self.query_one("#draft-status", Static).update("読み込み中…")
        self._load()

    @work(thread=True, exclusive=True, group="draft-load")
    def _load(self) -> None:
        session = self._session
        try:
            app_id = self.application_id
            orderers = applications.orderers(session)
            branches = applications.branches(session)
            terms = {str(o.id): applications.terms_for(session, o.id) for o in orderers}
            if app_id is None:  # no draft until something is typed (F4 then Esc leaves none behind)
                raw = dict(DEFAULTS)
                if branches:
                    raw["branch_id"] = str(branches[0].id)
                number = revision = 0
            else:
                raw = applications.load_draft(session, app_id)
                number = applications.draft_number(session, app_id)
                revision = applications.draft_revision(session, app_id)
        except ServiceError as err:
            self.post_message(self.LoadFailed(str(err)))
            return
        except Exception as err:  # noqa: BLE001 - shown to the user; the app stays usable
            self.post_message(self.LoadFailed(f"申込を読み込めません: {err}"))
            return
        self.post_message(self.Loaded(_Loaded(app_id, raw, orderers, branches, terms, number, revision)))

    def on_application_screen_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#draft-status", Static).update("")
        self.notify(message.message, severity="error", timeout=10)

    def on_application_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self.application_id = data.application_id
        self._revision = data.revision
        self._terms = data.terms
        self._orderers = {str(o.id): o for o in data.orderers}
        self._branches = {str(b.id): b for b in data.branches}
        self._default_branch = str(data.branches[0].id) if data.branches else ""
        # Names from the masters: literal text (a Select parses a str prompt as markup).
        self.query_one("#f-orderer_id", Select).set_options((literal(orderer_label(o)), str(o.id)) for o in data.orderers)
        self.query_one("#f-branch_id", Select).set_options((literal(b.name), str(b.id)) for b in data.branches)
        self.raw = {f.key: "" for f in FIELDS}
        self.raw.update({k: str(v) for k, v in data.raw.items() if k in FIELD_BY_KEY})
        for key, value in self.raw.items():
            self._set_widget(key, value)
        self.loaded = True
        self.query_one("#app-tabs", TabbedContent).disabled = False
        self.query_one("#draft-status", Static).update(
            f"下書き No.{data.number}" if data.application_id is not None else NEW_DRAFT
        )
        self._refresh()
        self._focus_first("work")

    # reading and writing widgets ----------------------------------------------

    def _set_widget(self, key: str, value: str) -> None:
        """Show ``value`` in the field's widget (load, クリア, 証書(紙)). The change events that follow
        find ``self.raw`` already equal and are ignored."""
        f = FIELD_BY_KEY[key]
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, Checkbox):
            widget.value = is_ticked(value)
        elif isinstance(widget, RadioSet):
            for button in widget.query(RadioButton):
                if button.name == value:
                    button.value = True
        elif isinstance(widget, Select):
            try:
                widget.value = value if value else Select.NULL
            except InvalidSelectValueError:  # an id no longer listed: nothing chosen
                if f.kind is Kind.REF:
                    widget.clear()

    @staticmethod
    def _key_of(widget: Widget | None) -> str | None:
        node = widget
        while node is not None:
            if node.id and node.id.startswith("f-") and node.id[2:] in FIELD_BY_KEY:
                return node.id[2:]
            node = node.parent  # type: ignore[assignment]
        return None

    # Change messages arrive after the fact: one whose value is no longer the widget's (a later
    # keystroke, or a value set by the program in between) is stale and ignored.

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if (key := self._key_of(event.input)) is not None and event.value == event.input.value:
            self._user_set(key, event.value)

    @on(Input.Blurred)
    def _input_left(self, event: Input.Blurred) -> None:
        """Leaving a 全角 field converts what it shows (半角 → 全角): the draft, the screen and the message agree."""
        key = self._key_of(event.input)
        if key is None or FIELD_BY_KEY[key].kind is not Kind.FULLWIDTH or not self.loaded:
            return
        converted = to_fullwidth(event.input.value.strip())  # as the rules read it
        if converted != event.input.value:
            self._set_widget(key, converted)
            self._user_set(key, converted)
            self._converted.add(key)  # _user_set forgot it: this change is the conversion itself
            self._refresh_messages()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if (key := self._key_of(event.checkbox)) is not None and event.value == event.checkbox.value:
            self._user_set(key, "1" if event.value else "")

    @on(RadioSet.Changed)
    def _radio_changed(self, event: RadioSet.Changed) -> None:
        key = self._key_of(event.radio_set)
        if key is not None and event.pressed.name and event.radio_set.pressed_button is event.pressed:
            self._user_set(key, event.pressed.name)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if (key := self._key_of(event.select)) is not None and event.value == event.select.value:
            self._user_set(key, "" if event.value is Select.NULL else str(event.value))

    def action_enter(self) -> None:
        """Enter in an input moves to the next field; elsewhere (選択肢, チェック, 一覧) it does what it does."""
        if not isinstance(self.focused, Input):
            raise SkipAction()
        self.focus_next()

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def widget_value(self, key: str) -> str:
        """What the field's widget shows, as the draft holds it."""
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, Checkbox):
            return "1" if widget.value else ""
        if isinstance(widget, RadioSet):
            button = widget.pressed_button
            return button.name if button is not None and button.name else self.raw.get(key, "")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return self.raw.get(key, "")

    def take_focused_value(self) -> None:
        """Quitting: the focused field's change message may not have arrived yet; take its value now."""
        key = self._key_of(self.focused)
        if key is not None:
            self._user_set(key, self.widget_value(key))

    def _user_set(self, key: str, value: str) -> None:
        if not self.loaded or self.raw.get(key, "") == value:
            return
        self.raw[key] = value
        self.touched.add(key)
        self._converted.discard(key)
        self._refresh()
        self._schedule_save()
        if key in ("orderer_id", *ELECTRONIC_KEYS, "advance_apply", "contract_apply"):
            self._offer_paper(key)

    # validation and display ---------------------------------------------------

    def terms(self) -> OrdererTerms | None:
        return self._terms.get(self.raw.get("orderer_id", "").strip())

    def _revalidate(self) -> Validation:
        self.validation = validate_application(self.raw, self.terms())
        return self.validation

    def _refresh(self) -> None:
        """Validate and bring every message, echo and enabled state up to date."""
        self._revalidate()
        enabled = gates(self.raw)
        for key, on_ in enabled.items():
            f = FIELD_BY_KEY[key]
            group = self._group_of(key)
            if group is not None and group.disabled == on_:
                group.disabled = not on_
                if f.required_when:  # JV名 is 必須 under JV only, not under 単体
                    group.query_one(".req", Static).update(required_mark(f, self.raw))
            if not on_ and f.clear_when_disabled and self.raw.get(key):
                self.raw[key] = ""  # a 請求予定 without 中間前払金 is not sent
                self._set_widget(key, "")
        for f in FIELDS:
            if f.kind in ECHO_KINDS:
                self.query_one(f"#x-{f.key}", Static).update(echo_text(f, self.raw.get(f.key, "")))
        self._refresh_messages()

    def _visible(self, problem: Problem) -> bool:
        """必須 messages wait until the field was touched or 申込確認 was tried; others show at once."""
        return self.show_all or problem.field in self.touched or problem.code != "required"

    def _refresh_messages(self) -> None:
        v = self.validation
        for f in FIELDS:
            widget = self.query_one(f"#e-{f.key}", Static)
            problem = v.found.get(f.key)
            if problem is not None and self._visible(problem):
                text, kind = problem.message, "error"
            elif f.key in v.notices and f.kind is Kind.FULLWIDTH:
                converted = v.values.get(f.key)  # still half-width: converted when the field is left
                text = f"全角に変換します（{converted}）。" if isinstance(converted, str) else ""
                kind = "notice"
            elif f.key in self._converted:
                text, kind = "全角に変換しました。", "notice"
            elif f.key in v.notices:
                converted = v.values.get(f.key)
                text = v.notices[f.key] + (f"（送信時: {converted}）" if isinstance(converted, str) else "")
                kind = "notice"
            else:
                text, kind = "", ""
            widget.update(literal(text))
            widget.set_class(kind == "error", "error")
            widget.set_class(kind == "notice", "notice")
            widget.set_class(bool(text), "shown")

    def show_problems(self, validation: Validation | None = None) -> None:
        """Show every problem (申込確認 refused, or 送信 refused by the service) and go to the first."""
        self.show_all = True
        v = self._revalidate() if validation is None else validation
        self.validation = v
        self._refresh_messages()
        key = v.first_problem()
        if key is None:
            return
        self.query_one("#app-tabs", TabbedContent).active = f"tab-{FIELD_BY_KEY[key].section}"
        self._focus_field(key)
        self.notify(f"入力内容に誤りがあります（{len(v.found)}件）", severity="error")

    # focus --------------------------------------------------------------------

    def _focus_field(self, key: str) -> None:
        """Focus now (keys typed next go there), scroll once the tab is laid out."""
        widget = self.query_one(f"#f-{key}")
        if widget.focusable:
            self.set_focus(widget, scroll_visible=False)
        # the whole field group: its row *and* the message under it (F9 refused: the reason is on screen)
        group = self._group_of(key) or widget
        self.call_after_refresh(group.scroll_visible, animate=False)

    def _focus_first(self, section: str) -> None:
        scroll = self.query_one(f"#scroll-{section}")
        for widget in scroll.query("Input, Checkbox, RadioSet, Select"):
            if widget.focusable:
                self.set_focus(widget, scroll_visible=False)
                break
        self.call_after_refresh(scroll.scroll_home, animate=False)

    def _section(self) -> str:
        return self.query_one("#app-tabs", TabbedContent).active.removeprefix("tab-") or SECTIONS[0][0]

    # actions ------------------------------------------------------------------

    def action_tab(self, delta: int) -> None:
        order = [s for s, _, _ in SECTIONS]
        section = order[(order.index(self._section()) + delta) % len(order)]
        self.query_one("#app-tabs", TabbedContent).active = f"tab-{section}"
        self._focus_first(section)

    def action_field_help(self) -> None:
        key = self._key_of(self.focused)
        if key is None:
            self.notify("説明を見たい項目に移動してから F4 を押してください。")
            return
        self.show_field_help(key)

    def show_field_help(self, key: str) -> None:
        self.app.push_screen(FieldHelpScreen(FIELD_BY_KEY[key]))

    def action_electronic_orderers(self) -> None:
        from .orderers import ElectronicOrderersScreen

        self.app.push_screen(ElectronicOrderersScreen(list(self._orderers.values())))

    def action_clear_section(self) -> None:
        if not self.loaded:
            return
        section = self._section()
        _, title, clear = next(s for s in SECTIONS if s[0] == section)

        def answered(yes: bool | None) -> None:
            if yes:
                self._clear(section)
                self.notify(f"「{clear}」しました。")

        self.app.push_screen(ConfirmScreen(f"「{clear}」しますか？\n{title}の入力内容を最初の状態に戻します。"), answered)

    def _clear(self, section: str) -> None:
        for f in fields_of(section):
            value = DEFAULTS.get(f.key, "")
            if f.key == "branch_id":
                value = self._default_branch  # as 申込の作成(新規) sets it
            self.raw[f.key] = value
            self.touched.discard(f.key)
            self._set_widget(f.key, value)
        self._refresh()
        self._schedule_save()
        self._focus_first(section)

    def action_review(self) -> None:
        """F9 申込確認: every problem shown, or on to the read-only summary."""
        if not self.loaded:
            return
        v = self._revalidate()
        if not v.ok:
            self.show_problems(v)
            return
        self.flush_draft()
        from .review import ReviewScreen

        orderer = self._orderers.get(self.raw.get("orderer_id", ""))
        branch = self._branches.get(self.raw.get("branch_id", ""))
        self.app.push_screen(
            ReviewScreen(
                self,
                self.application_id,  # type: ignore[arg-type]
                dict(self.raw),
                v,
                orderer.name if orderer else "",
                branch.name if branch else "",
            )
        )

    def action_back(self) -> None:
        self.flush_draft()
        if self.loaded and not self._finished and self.application_id is not None:
            self.notify("下書きは保存されています。申込一覧から続きを入力できます。", title="保証申込")
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # 電子保証 for an orderer that does not accept it -----------------------------

    def _offer_paper(self, changed: str) -> None:
        terms = self.terms()
        if terms is None or terms.accepts_electronic or self._offering_paper:
            return
        if changed in ELECTRONIC_KEYS and self.raw.get(changed) != "electronic":
            return
        keys = [
            k for k in ELECTRONIC_KEYS
            if (p := self.validation.found.get(k)) is not None and p.code.startswith("electronic_unsupported")
        ]
        if not keys:
            return
        self._offering_paper = True

        def answered(yes: bool | None) -> None:
            self._offering_paper = False
            if yes:
                for key in keys:
                    self._user_set(key, "paper")
                    self._set_widget(key, "paper")
                self.notify("保証証書の形式を証書(紙)に変更しました。")

        name = terms.name or "選択された発注者"
        self.app.push_screen(
            ConfirmScreen(f"発注者「{name}」は電子保証に対応していません。証書(紙)に変更しますか？"), answered
        )

    # drafts -------------------------------------------------------------------

    def _schedule_save(self) -> None:
        if self._finished:
            return
        self._seq += 1
        self._dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        self._save_timer = None
        if self._dirty and not self._finished:
            self._dirty = False
            self._save_worker(self.application_id, dict(self.raw), self._seq)

    @work(thread=True, exclusive=True, group="draft")
    def _save_worker(self, application_id: int | None, raw: dict[str, str], seq: int) -> None:
        try:
            self._store(application_id, raw, seq)
        except InvalidState as err:
            self.post_message(self.SaveFailed(str(err), refused=True))
            return
        except Exception as err:  # noqa: BLE001 - the draft stays in memory; the next change retries
            self.post_message(self.SaveFailed(f"下書きを保存できません: {err}", refused=False))
            return
        self.post_message(self.Saved(now().strftime("%H:%M:%S")))

    def _store(self, application_id: int | None, raw: dict[str, str], seq: int) -> None:
        """One save at a time, never an older state over a newer one. The first save of 申込の作成(新規)
        creates the draft (under the lock: once, whichever thread saves first)."""
        with self._save_lock:
            if seq < self._stored_seq:
                return
            if self.application_id is None:
                self.application_id = applications.new_draft(self._session)  # type: ignore[arg-type]
                self._revision = 0
            application_id = self.application_id
            saved = applications.save_draft(  # type: ignore[arg-type]
                self._session, application_id, raw, revision=self._revision
            )
            self._revision = saved.revision
            if saved.copied_from is not None:  # the same draft was saved from another session
                self.application_id = saved.application_id
                self.post_message(self.Copied(saved.number))
            self._stored_seq = seq

    def flush_draft(self) -> None:
        """Save now, in this thread (leaving the screen, 申込確認): nothing typed is left unsaved."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self._dirty or self._finished or self._session is None:
            return
        self._dirty = False
        try:
            self._store(self.application_id, dict(self.raw), self._seq)
        except InvalidState as err:
            self._finished = True
            self.notify(str(err), severity="warning")
        except Exception as err:  # noqa: BLE001
            self._dirty = True
            self.notify(f"下書きを保存できません: {err}", severity="error")

    def mark_submitted(self) -> None:
        """送信 done: the application is no longer a draft; stop saving it."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self._dirty = False
        self._finished = True

    def on_application_screen_copied(self, message: Copied) -> None:
        self.notify(
            f"この下書きは別の画面で変更されていたため、ここで入力した内容を新しい下書き（No.{message.number}）として"
            "保存しました。どちらの内容も失われていません（申込一覧で確認できます）。",
            title="下書きの競合", severity="warning", timeout=20,
        )

    def on_application_screen_saved(self, message: Saved) -> None:
        if not self._finished:
            self.query_one("#draft-status", Static).update(f"下書きを保存しました {message.stamp}")

    def on_application_screen_save_failed(self, message: SaveFailed) -> None:
        if self._finished:
            return
        if message.refused:
            self._finished = True
            self.notify(message.message, severity="warning")
        else:
            self._dirty = True
            self.notify(message.message, severity="error")

    def on_unmount(self) -> None:
        try:
            self.flush_draft()
        except Exception:  # noqa: BLE001 - never let a failed save break quitting
            pass
