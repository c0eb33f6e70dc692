"""The 保証申込 form as a widget, built from the declarations in ``domain.fields``: four tabs, a row per
field (or per composite row), each enabled, marked 必須, echoed and messaged as its declaration says.

Everything the user typed lives in ``raw`` (field key -> raw text, exactly as typed); widgets only report
changes into it. Validation (``rules.validate_application``) runs on every change with the orderer's
terms held here, so typing never waits for the database. A user's change is told to the screen by
``ApplicationForm.Changed`` (it saves the draft); 「?」 by ``ApplicationForm.HelpRequested``.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select, Static, TabbedContent, TabPane
from textual.widgets.select import InvalidSelectValueError

from ...domain.errors import DomainError
from ...domain.fields import FIELD_BY_KEY, FIELDS, ROWS, SECTIONS, Control, Field, Kind, fields_of, is_ticked
from ...domain.money import format_man, format_yen, format_yen_with_man, parse_amount
from ...domain.rules import OrdererTerms, Problem, Validation, validate_application
from ...domain.text import to_fullwidth
from ...domain.wareki import parse_ymd, to_wareki
from .input import SafeInput
from .lookup import BankInput, ZipInput, below_row
from .text import literal

ECHO_KINDS = frozenset({Kind.AMOUNT, Kind.AMOUNT_K, Kind.DATE})
DATE_HINT = "(入力例: 20191001)"


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
        if field.kind is Kind.AMOUNT:  # from 1,000万円 up also in 万円: '123,456,789円（12,345万円）'
            return format_yen_with_man(parse_amount(text, label=field.label, unit="円"))
        if field.kind is Kind.AMOUNT_K:
            thousands = parse_amount(text, label=field.label, unit="千円")
            man = format_man(thousands * 1000)
            return format_yen(thousands, "千円") + (f"（{man}）" if man else "")
        if field.kind is Kind.DATE:
            return f"{to_wareki(parse_ymd(text, label=field.label))} {DATE_HINT}"
    except DomainError:
        return DATE_HINT if field.kind is Kind.DATE else ""
    return ""


class TickBox(Checkbox):
    """A checkbox whose unticked state is told apart by its glyph too (「X」 / blank), not by colour only."""

    @property
    def BUTTON_INNER(self) -> str:
        return "X" if self.value else " "


class FormScroll(VerticalScroll, can_focus=False):
    """A tab's form: scrolls to the focused field, is not itself a Tab stop."""


class QMark(Static):
    """The 「?」 after a field: click (or F4 on the field) asks for the field's help."""

    def __init__(self, key: str) -> None:
        super().__init__("?", classes="qmark")
        self.key = key

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(ApplicationForm.HelpRequested(self.key))


def key_of(widget: Widget | None) -> str | None:
    """The field a widget (or one of its parts) types, from its id ``f-<key>``."""
    node = widget
    while node is not None:
        if node.id and node.id.startswith("f-") and node.id[2:] in FIELD_BY_KEY:
            return node.id[2:]
        node = node.parent  # type: ignore[assignment]
    return None


class ApplicationForm(Vertical):
    """The four tabs of a 保証申込, from ``domain.fields``; the values in ``raw``, the problems in ``validation``."""

    class Changed(Message):
        """The user changed a field (``raw`` and the screen are already up to date)."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class HelpRequested(Message):
        """「?」 clicked: show the field's help."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, heads: dict[str, tuple[tuple[str, str], ...]] | None = None, **kwargs) -> None:
        """``heads``: extra hints in a tab's heading line by section, as (widget id, text) pairs
        (「F8 電子保証対応の発注者はこちら」: a key of the screen's, not the form's)."""
        super().__init__(**kwargs)
        self._heads = heads or {}
        self.raw: dict[str, str] = {f.key: "" for f in FIELDS}
        self.touched: set[str] = set()
        self.show_all = False
        self.validation = Validation()
        self.loaded = False
        self.terms_by_orderer: dict[str, OrdererTerms | None] = {}
        self._converted: set[str] = set()  # 全角 fields converted on leaving them (message until edited)
        self._controls: dict[str, Widget] = {}  # key -> its widget (read even once the DOM is torn down)

    # compose ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with TabbedContent(id="app-tabs", initial="tab-work"):
            for section, title, clear in SECTIONS:
                with TabPane(title, id=f"tab-{section}"):
                    with FormScroll(id=f"scroll-{section}"):
                        with Horizontal(classes="form-head"):
                            yield Static(clear.removesuffix("をクリア"), classes="form-head-title", markup=False)
                            yield Static(f"F7 {clear}", classes="form-head-clear", markup=False)
                            for wid, hint in self._heads.get(section, ()):
                                yield Static(hint, classes="form-head-clear", id=wid, markup=False)
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
        widget = self._make_widget(f)
        self._controls[f.key] = widget
        return widget

    def _make_widget(self, f: Field) -> Widget:
        wid = f"f-{f.key}"
        if f.control is Control.INPUT:
            options = dict(id=wid, compact=True, select_on_focus=False, max_length=f.max_length)
            if f.lookup == "postal":  # 〒 fills 住所 (widgets/lookup.py)
                widget: Input = ZipInput(target=f"#f-{f.fills}", **options)
            elif f.lookup == "bank":  # 預託金融機関: bank and branch names completed
                widget = BankInput(**options)
            else:
                widget = SafeInput(**options)
            if f.width:
                widget.styles.width = f.width + 2
            return widget
        if f.control in (Control.CHECK, Control.SWITCH):
            return TickBox(f.check_label or f.label, id=wid, compact=True)
        if f.control is Control.PICK:
            return Select([], id=wid, prompt="選択してください", compact=True)
        if f.control is Control.SELECT:
            return Select(
                [(label, value) for value, label in f.choices], id=wid, allow_blank=False, compact=True, classes="fee"
            )
        buttons = [RadioButton(label, name=value, id=f"o-{f.key}-{value}", compact=True) for value, label in f.choices]
        return RadioSet(*buttons, id=wid, compact=True, classes="across" if len(f.choices) <= 2 else "")

    def _field_group(self, f: Field) -> Vertical:
        widget = self._widget(f)
        parts: list[Widget] = [
            Static(f.shown_label, classes="label", markup=False),
            Static("必須" if f.ever_required else "", classes="req", markup=False),
            widget,
        ]
        if f.unit:
            parts.append(Static(f.unit, classes="unit", markup=False))
        parts.append(QMark(f.key))
        if f.kind in ECHO_KINDS:
            parts.append(Static("", id=f"x-{f.key}", classes="echo", markup=False))
        children: list[Widget] = [Horizontal(*parts, classes="row"), *below_row(widget)]  # 〒's note, completions
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

    def group_of(self, key: str) -> Widget | None:
        """The field's whole group: its row and the message under it."""
        if row := FIELD_BY_KEY[key].row:
            key = ROWS[row][0].key
        try:
            return self.query_one(f"#r-{key}")
        except Exception:
            return None

    # loading ------------------------------------------------------------------

    def load(
        self,
        raw: dict[str, str],
        terms: dict[str, OrdererTerms | None],
        options: dict[str, list[tuple[object, str]]],
    ) -> None:
        """Show a draft: ``options`` are the rows of each PICK field ((label, id) pairs)."""
        self.terms_by_orderer = terms
        for key, rows in options.items():
            self.query_one(f"#f-{key}", Select).set_options(rows)  # type: ignore[arg-type]
        self.raw = {f.key: "" for f in FIELDS}
        self.raw.update({k: str(v) for k, v in raw.items() if k in FIELD_BY_KEY})
        for key, value in self.raw.items():
            self.set_value(key, value)
        self.loaded = True
        self.tabs.disabled = False
        self.refresh_fields()
        self.focus_first("work")

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#app-tabs", TabbedContent)

    # reading and writing widgets ----------------------------------------------

    def set_value(self, key: str, value: str) -> None:
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

    # Change messages arrive after the fact: one whose value is no longer the widget's (a later
    # keystroke, or a value set by the program in between) is stale and ignored.

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if (key := key_of(event.input)) is not None and event.value == event.input.value:
            self.user_set(key, event.value)

    @on(Input.Blurred)
    def _input_left(self, event: Input.Blurred) -> None:
        """Leaving a 全角 field converts what it shows (半角 → 全角): the draft, the screen and the message agree."""
        key = key_of(event.input)
        if key is None or FIELD_BY_KEY[key].kind is not Kind.FULLWIDTH or not self.loaded:
            return
        converted = to_fullwidth(event.input.value.strip())  # as the rules read it
        if converted != event.input.value:
            self.set_value(key, converted)
            self.user_set(key, converted)
            self._converted.add(key)  # user_set forgot it: this change is the conversion itself
            self.refresh_messages()

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if (key := key_of(event.checkbox)) is not None and event.value == event.checkbox.value:
            self.user_set(key, "1" if event.value else "")

    @on(RadioSet.Changed)
    def _radio_changed(self, event: RadioSet.Changed) -> None:
        key = key_of(event.radio_set)
        if key is not None and event.pressed.name and event.radio_set.pressed_button is event.pressed:
            self.user_set(key, event.pressed.name)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if (key := key_of(event.select)) is not None and event.value == event.select.value:
            self.user_set(key, "" if event.value is Select.NULL else str(event.value))

    def widget_value(self, key: str) -> str:
        """What the field's widget shows, as the draft holds it."""
        widget = self._controls[key]
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
        key = key_of(self.screen.focused)
        if key is not None:
            self.user_set(key, self.widget_value(key))

    def absorb_widgets(self) -> None:
        """Leaving or quitting: what every widget shows goes into ``raw``, even a change whose message
        has not arrived (the widgets may already be unmounted: nothing on screen is updated)."""
        if not self.loaded:
            return
        for key in self._controls:
            value = self.widget_value(key)
            if self.raw.get(key, "") != value:
                self.raw[key] = value
                self.touched.add(key)

    def user_set(self, key: str, value: str) -> None:
        """A value the user gave a field: into ``raw``, the screen brought up to date, the screen told."""
        if not self.loaded or self.raw.get(key, "") == value:
            return
        self.raw[key] = value
        self.touched.add(key)
        self._converted.discard(key)
        self.refresh_fields()
        self.post_message(self.Changed(key))

    # validation and display ---------------------------------------------------

    def terms(self) -> OrdererTerms | None:
        return self.terms_by_orderer.get(self.raw.get("orderer_id", "").strip())

    def revalidate(self) -> Validation:
        self.validation = validate_application(self.raw, self.terms())
        return self.validation

    def refresh_fields(self) -> None:
        """Validate and bring every message, echo, 必須 mark and enabled state up to date."""
        self.revalidate()
        for key, on_ in gates(self.raw).items():
            f = FIELD_BY_KEY[key]
            group = self.group_of(key)
            if group is not None and group.disabled == on_:
                group.disabled = not on_
                if f.required_when:  # JV名 is 必須 under JV only, not under 単体
                    group.query_one(".req", Static).update(required_mark(f, self.raw))
            if not on_ and f.clear_when_disabled and self.raw.get(key):
                self.raw[key] = ""  # a 請求予定 without 中間前払金 is not sent
                self.set_value(key, "")
        for f in FIELDS:
            if f.kind in ECHO_KINDS:
                self.query_one(f"#x-{f.key}", Static).update(echo_text(f, self.raw.get(f.key, "")))
        self.refresh_messages()

    def _visible(self, problem: Problem) -> bool:
        """必須 messages wait until the field was touched or 申込確認 was tried; others show at once."""
        return self.show_all or problem.field in self.touched or problem.code != "required"

    def refresh_messages(self) -> None:
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
        v = self.revalidate() if validation is None else validation
        self.validation = v
        self.refresh_messages()
        key = v.first_problem()
        if key is None:
            return
        self.tabs.active = f"tab-{FIELD_BY_KEY[key].section}"
        self.focus_field(key)
        self.notify(f"入力内容に誤りがあります（{len(v.found)}件）", severity="error")

    def clear(self, section: str, defaults: dict[str, str]) -> None:
        """F7 クリア: the section's fields back to ``defaults`` (a new application's values)."""
        for f in fields_of(section):
            value = defaults.get(f.key, "")
            self.raw[f.key] = value
            self.touched.discard(f.key)
            self.set_value(f.key, value)
        self.refresh_fields()
        self.focus_first(section)

    # focus --------------------------------------------------------------------

    def focus_field(self, key: str) -> None:
        """Focus now (keys typed next go there), scroll once the tab is laid out."""
        widget = self.query_one(f"#f-{key}")
        if widget.focusable:
            self.screen.set_focus(widget, scroll_visible=False)
        # the whole field group: its row *and* the message under it (F9 refused: the reason is on screen)
        group = self.group_of(key) or widget
        self.call_after_refresh(group.scroll_visible, animate=False)

    def focus_first(self, section: str) -> None:
        scroll = self.query_one(f"#scroll-{section}")
        for widget in scroll.query("Input, Checkbox, RadioSet, Select"):
            if widget.focusable:
                self.screen.set_focus(widget, scroll_visible=False)
                break
        self.call_after_refresh(scroll.scroll_home, animate=False)

    def section(self) -> str:
        return self.tabs.active.removeprefix("tab-") or SECTIONS[0][0]

    def step_tab(self, delta: int) -> None:
        order = [s for s, _, _ in SECTIONS]
        section = order[(order.index(self.section()) + delta) % len(order)]
        self.tabs.active = f"tab-{section}"
        self.focus_first(section)
