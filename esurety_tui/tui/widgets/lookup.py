"""Inputs that look things up as the user types: 〒 fills 住所, 預託金融機関 completes bank and branch names.

Each look-up runs in a thread worker (``services.reference``; the data packages are imported on the
first one) and reports by a message to its own input; an answer for text that has changed since is
dropped. The widgets they show (the note under 〒, the drop-down under 預託金融機関) are created with
the input and placed by the form under the field's row (``below_row``).

Keys in the completion: ↓/↑ choose (↓ opens the list again after Esc), Enter/Tab take the chosen
name (the form's Enter/Tab bindings ask ``accept_completion`` first), Esc closes the list, typing goes
on in the field. Nothing is chosen until ↓ is pressed: Enter on typed text moves on and keeps the
text as typed (free text stays possible).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...services import reference
from ...services.reference import Completion, ZipAnswer
from .input import SafeInput
from .text import literal


def below_row(widget: Widget) -> list[Widget]:
    """What the form puts under the row of ``widget``'s field (the 〒 note, the completion list)."""
    if isinstance(widget, ZipInput):
        return [widget.note]
    if isinstance(widget, CompletingInput):
        return [widget.dropdown]
    return []


def accept_completion(widget: Widget | None) -> bool:
    """Enter/Tab in the form: take the chosen completion if ``widget`` has one (True), else do nothing."""
    return isinstance(widget, CompletingInput) and widget.accept()


# 〒 → 住所 ---------------------------------------------------------------------------------------


class ZipInput(SafeInput):
    """The 〒 input: a complete code fills the 住所 input (``target``, a selector on the screen).

    It fills 住所 only when that is empty or still holds what this input put there last, so an address
    the user typed is never overwritten; 住所 stays editable. When it keeps the user's address, or the
    code is not in Japan Post's data, a quiet note under the field says so.
    """

    class Answered(Message):
        def __init__(self, text: str, answer: ZipAnswer | None, typed: bool) -> None:
            super().__init__()
            self.text = text
            self.answer = answer
            self.typed = typed

    def __init__(self, *, target: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target = target
        self.note = Static("", classes="field-note lookup-note", markup=False)
        self.note.display = False
        self.filled: str | None = None  # the last address this input put in the target

    def _target_input(self) -> Input:
        return self.screen.query_one(self.target, Input)

    def _show_note(self, text: str) -> None:
        self.note.update(literal(text))
        self.note.display = bool(text)
        if text and self.has_focus:  # the field may sit on the last row: bring the note (and 住所) into view
            self.call_after_refresh(self._reveal_note)

    def _reveal_note(self) -> None:
        if self.note.display and self.note.is_mounted:
            self.note.scroll_visible(animate=False)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input is not self:
            return
        self._show_note("")
        # Typed by the user (focused) may fill 住所; a value loaded with a draft only notes what its 住所 was.
        self._look_up(event.value, self.has_focus)

    @work(thread=True, exclusive=True, group="zip-lookup")
    def _look_up(self, text: str, typed: bool) -> None:
        try:
            answer = reference.address_for_zip(self.app.session, text)  # type: ignore[attr-defined]
        except Exception:
            answer = None
        self.post_message(self.Answered(text, answer, typed))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        message.stop()
        answer = message.answer
        if message.text != self.value or answer is None:
            return  # typed on since, or not a whole code
        target = self._target_input()
        current = target.value.strip()
        if not answer.found:
            area = f"（{answer.code[:3]}- は {answer.area}）" if answer.area else ""
            self._show_note(f"郵便番号のデータにない番号です{area}。住所を入力してください。")
            if message.typed and current and current == self.filled:
                target.value = ""  # the previous code's address, not this one's
                self.filled = None
            return
        if not message.typed:
            if current == answer.address:
                self.filled = answer.address  # a loaded draft whose 住所 came from its 〒
            return
        if current in ("", self.filled) or current == answer.address:
            self.filled = answer.address
            if target.value != answer.address:
                target.value = answer.address  # its Changed message reaches the form like typing
                target.cursor_position = len(answer.address)
        else:
            self._show_note(f"住所はそのままです（この郵便番号: {answer.address}）")


# completion --------------------------------------------------------------------------------------


class CompletionList(OptionList, can_focus=False):
    """The drop-down under a completing input: a few rows, over the fields below it (never over the
    input), at the input's left edge (its looks: ``CompletionList`` in app.tcss)."""

    def __init__(self, owner: CompletingInput) -> None:
        super().__init__(classes="completion")
        self.owner = owner

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.owner.accept(event.option_index)


class CompletingInput(SafeInput):
    """An input with a completion drop-down fed by ``lookup(session, text) -> [Completion]``."""

    BINDINGS = [
        Binding("down", "completion_move(1)", "候補", show=False),
        Binding("up", "completion_move(-1)", "候補", show=False),
        Binding("escape", "completion_close", "候補を閉じる", show=False),
    ]

    class Answered(Message):
        def __init__(self, text: str, items: list[Completion]) -> None:
            super().__init__()
            self.text = text
            self.items = items

    def __init__(
        self, lookup: Callable[..., list[Completion]], *, prepare: Callable[..., object] | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self._lookup = lookup
        self._prepare = prepare
        self._prepared = False
        self._accepted = ""  # the completion taken last
        self.items: list[Completion] = []
        self.dropdown = CompletionList(self)

    @property
    def is_open(self) -> bool:
        return bool(self.dropdown.display) and bool(self.items)

    # looking up -------------------------------------------------------------------------------

    def on_focus(self) -> None:  # Input's own _on_focus runs too (Textual calls each class's handler)
        if self._prepare is not None and not self._prepared:
            self._prepared = True
            self._warm_up()  # load the data while the user starts typing

    def on_blur(self) -> None:
        self.close()

    @work(thread=True, group="completion-prepare")
    def _warm_up(self) -> None:
        try:
            self._prepare(self.app.session)  # type: ignore[misc, attr-defined]
        except Exception:
            pass

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input is not self:
            return
        if not self.has_focus or not event.value.strip():
            self.close()
            return
        if event.value == self._accepted and not event.value.endswith((" ", "\u3000")):
            self.close()  # a whole name was just taken (a bank and a space goes on to its branches)
            return
        self._look_up(event.value)

    @work(thread=True, exclusive=True, group="completion-lookup")
    def _look_up(self, text: str) -> None:
        try:
            items = self._lookup(self.app.session, text)  # type: ignore[attr-defined]
        except Exception:
            items = []
        self.post_message(self.Answered(text, items))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        message.stop()
        if message.text != self.value or not self.has_focus:
            return  # typed on since: a newer answer follows
        items = [c for c in message.items if c.value != self.value]  # nothing left to complete
        self._show(items)

    # the list ---------------------------------------------------------------------------------

    def _show(self, items: list[Completion]) -> None:
        self.items = items
        dropdown = self.dropdown
        dropdown.clear_options()
        if not items:
            self._set_open(False)
            return
        dropdown.add_options(Option(literal(c.label)) for c in items)
        dropdown.highlighted = None  # nothing chosen until ↓: Enter keeps the typed text
        parent = dropdown.parent
        if isinstance(parent, Widget) and self.region.width:  # under the input, as wide as it
            dropdown.styles.margin = (0, 0, 0, max(0, self.region.x - parent.content_region.x))
            dropdown.styles.width = self.region.width
        self._set_open(True)
        self.call_after_refresh(self._keep_in_view)

    def _keep_in_view(self) -> None:
        """Scroll the form so that the whole list shows below the input (it never covers the input)."""
        dropdown = self.dropdown
        if not dropdown.display:
            return
        for ancestor in self.ancestors:
            if isinstance(ancestor, Widget) and ancestor.allow_vertical_scroll:
                over = dropdown.region.bottom - ancestor.content_region.bottom
                if over > 0:
                    ancestor.scroll_relative(y=over, animate=False, immediate=True)
                return

    def _set_open(self, open_: bool) -> None:
        if bool(self.dropdown.display) != open_:
            self.dropdown.display = open_
            self.refresh_bindings()  # Esc closes the list while it is open, else goes back (the footer says so)

    def close(self) -> None:
        self.items = []
        self.dropdown.clear_options()
        self._set_open(False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "completion_close":
            return bool(self.dropdown.display)  # False: Esc goes on to the screen (戻る)
        if action == "completion_move":
            return bool(self.items)  # no candidates: ↓/↑ do what they do elsewhere
        return super().check_action(action, parameters)

    def accept(self, index: int | None = None) -> bool:
        """Put the chosen (or ``index``) completion in the field; False when nothing is chosen."""
        if not self.is_open:
            return False
        index = self.dropdown.highlighted if index is None else index
        if index is None or not 0 <= index < len(self.items):
            return False
        value = self.items[index].value
        self._accepted = value
        self.close()
        self.value = value  # its Changed message saves it and looks up what follows (a bank's branches)
        self.cursor_position = len(value)
        return True

    def action_completion_move(self, delta: int) -> None:
        dropdown = self.dropdown
        if not dropdown.display:
            self._set_open(True)
            dropdown.highlighted = 0
            self.call_after_refresh(self._keep_in_view)
            return
        current = dropdown.highlighted
        if current is None:
            dropdown.highlighted = 0 if delta > 0 else len(self.items) - 1
        else:
            dropdown.highlighted = (current + delta) % len(self.items)

    def action_completion_close(self) -> None:
        self._set_open(False)  # the candidates are kept: ↓ shows them again


class BankInput(CompletingInput):
    """預託金融機関: bank names, then the chosen bank's branches (「みずほ銀行　横浜支店」, 全角)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(reference.bank_completions, prepare=reference.load_banks, **kwargs)
