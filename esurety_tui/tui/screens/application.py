"""保証申込 (申込作成): a thin screen over the form widget (``widgets.application_form``, built from the
declarations in ``domain.fields``) and the draft autosaver (``widgets.autosave``).

The screen loads the draft and the masters in a worker (reported by a message), holds the keys (F9
申込確認, F4 項目説明, F5/F6 タブ, F7 クリア, F8 電子保証対応の発注者, Tab/Enter between fields), offers 証書(紙)
when the orderer does not accept 電子保証, and shows what the autosaver reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from ...domain.fields import DEFAULTS, FIELD_BY_KEY, SECTIONS, Field
from ...domain.rules import OrdererTerms, Validation
from ...services import applications
from ...services.applications import BranchChoice, OrdererChoice
from ...services.errors import ServiceError
from ..widgets.application_form import ApplicationForm, key_of
from ..widgets.autosave import SAVE_DELAY, DraftAutosaver
from ..widgets.lookup import accept_completion
from ..widgets.steps import StepLine
from ..widgets.text import literal
from .base import NetDeskScreen
from .confirm import ConfirmScreen

__all__ = ["SAVE_DELAY", "ApplicationScreen", "FieldHelpScreen"]

ELECTRONIC_KEYS = ("advance_form", "contract_form")
NEW_DRAFT = "新規（入力すると下書きを保存）"


def compact_footer(screen: NetDeskScreen) -> None:
    """Seven keys in 80 columns: compact footer; the palette (ctrl+p) still works, its hint is hidden."""
    footer = screen.query_one(Footer)
    footer.compact = True
    footer.show_command_palette = False


def orderer_label(o: OrdererChoice) -> str:
    return f"{o.name}（電子保証対応）" if o.accepts_electronic else f"{o.name}（電子保証非対応）"


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
        Binding(
            "f8", "electronic_orderers", "電子保証対応の発注者", id="electronic_orderers", show=False, priority=True
        ),
        Binding("tab", "next_field", "次の項目", id="next_field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "前の項目", id="previous_field", show=False, priority=True),
        Binding("enter", "enter", "次の項目", id="enter_next_field", show=False, priority=True),
    ]

    class Loaded(Message):
        def __init__(self, data: _Loaded) -> None:
            super().__init__()
            self.data = data

    class LoadFailed(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, application_id: int | None) -> None:
        super().__init__()
        self.form = ApplicationForm(
            id="app-form", heads={"work": (("electronic-orderers-link", "F8 電子保証対応の発注者はこちら"),)}
        )
        self.saver = DraftAutosaver(lambda: self.form.raw, application_id, id="draft-saver")
        self._orderers: dict[str, OrdererChoice] = {}
        self._branches: dict[str, BranchChoice] = {}
        self._default_branch = ""
        self._session = None
        self._offering_paper = False

    # the form's state, as the app and the tests read it -------------------------

    @property
    def application_id(self) -> int | None:
        return self.saver.application_id

    @property
    def raw(self) -> dict[str, str]:
        return self.form.raw

    @property
    def validation(self) -> Validation:
        return self.form.validation

    @property
    def touched(self) -> set[str]:
        return self.form.touched

    @property
    def loaded(self) -> bool:
        return self.form.loaded

    def terms(self) -> OrdererTerms | None:
        return self.form.terms()

    # compose and start-up -------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="app-steps"):
            yield StepLine(0)
            yield Static("", id="draft-status", markup=False)
        yield self.form
        yield self.saver

    def on_mount(self) -> None:
        self._session = self.netdesk.session
        compact_footer(self)
        self.form.tabs.disabled = True
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
        except Exception as err:
            self.post_message(self.LoadFailed(f"申込を読み込めません: {err}"))
            return
        self.post_message(self.Loaded(_Loaded(app_id, raw, orderers, branches, terms, number, revision)))

    def on_application_screen_load_failed(self, message: LoadFailed) -> None:
        self.query_one("#draft-status", Static).update("")
        self.notify(message.message, severity="error", timeout=10)

    def on_application_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        self._orderers = {str(o.id): o for o in data.orderers}
        self._branches = {str(b.id): b for b in data.branches}
        self._default_branch = str(data.branches[0].id) if data.branches else ""
        # Names from the masters: literal text (a Select parses a str prompt as markup).
        options: dict[str, list[tuple[object, str]]] = {
            "orderer_id": [(literal(orderer_label(o)), str(o.id)) for o in data.orderers],
            "branch_id": [(literal(b.name), str(b.id)) for b in data.branches],
        }
        self.form.load(data.raw, data.terms, options)
        self.saver.start(self._session, data.application_id, data.revision)
        self.query_one("#draft-status", Static).update(
            f"下書き No.{data.number}" if data.application_id is not None else NEW_DRAFT
        )

    # the form's messages --------------------------------------------------------

    def on_application_form_changed(self, message: ApplicationForm.Changed) -> None:
        self.saver.changed()
        if message.key in ("orderer_id", *ELECTRONIC_KEYS, "advance_apply", "contract_apply"):
            self._offer_paper(message.key)

    def on_application_form_help_requested(self, message: ApplicationForm.HelpRequested) -> None:
        self.show_field_help(message.key)

    # keys -------------------------------------------------------------------------

    def action_enter(self) -> None:
        """Enter in an input moves to the next field; elsewhere (選択肢, チェック, 一覧) it does what it does."""
        if not isinstance(self.focused, Input):
            raise SkipAction()
        if not accept_completion(self.focused):  # 預託金融機関: the chosen bank or branch
            self.focus_next()

    def action_next_field(self) -> None:
        if not accept_completion(self.focused):
            self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def action_tab(self, delta: int) -> None:
        self.form.step_tab(delta)

    def action_field_help(self) -> None:
        key = key_of(self.focused)
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
        section = self.form.section()
        _, title, clear = next(s for s in SECTIONS if s[0] == section)

        def answered(yes: bool | None) -> None:
            if yes:
                # as 申込の作成(新規) sets them: the declarations' defaults, the first 申込送信先
                self.form.clear(section, {**DEFAULTS, "branch_id": self._default_branch})
                self.saver.changed()
                self.notify(f"「{clear}」しました。")

        self.app.push_screen(
            ConfirmScreen(f"「{clear}」しますか？\n{title}の入力内容を最初の状態に戻します。"), answered
        )

    def action_review(self) -> None:
        """F9 申込確認: every problem shown, or on to the read-only summary."""
        if not self.loaded:
            return
        v = self.form.revalidate()
        if not v.ok:
            self.form.show_problems(v)
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
        if self.loaded and not self.saver.finished and self.application_id is not None:
            self.notify("下書きは保存されています。申込一覧から続きを入力できます。", title="保証申込")
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def show_problems(self, validation: Validation | None = None) -> None:
        """Every problem shown and the first field focused (申込確認 or 送信 refused)."""
        self.form.show_problems(validation)

    # 電子保証 for an orderer that does not accept it -----------------------------

    def _offer_paper(self, changed: str) -> None:
        terms = self.terms()
        if terms is None or terms.accepts_electronic or self._offering_paper:
            return
        if changed in ELECTRONIC_KEYS and self.raw.get(changed) != "electronic":
            return
        keys = [
            k
            for k in ELECTRONIC_KEYS
            if (p := self.validation.found.get(k)) is not None and p.code.startswith("electronic_unsupported")
        ]
        if not keys:
            return
        self._offering_paper = True

        def answered(yes: bool | None) -> None:
            self._offering_paper = False
            if yes:
                for key in keys:
                    self.form.user_set(key, "paper")
                    self.form.set_value(key, "paper")
                self.notify("保証証書の形式を証書(紙)に変更しました。")

        name = terms.name or "選択された発注者"
        self.app.push_screen(
            ConfirmScreen(f"発注者「{name}」は電子保証に対応していません。証書(紙)に変更しますか？"), answered
        )

    # drafts (the autosaver reports by messages) ---------------------------------

    def take_focused_value(self) -> None:
        """Quitting: the focused field's change message may not have arrived yet; take its value now."""
        self.form.take_focused_value()

    def flush_draft(self) -> None:
        """Save now, in this thread (leaving the screen, 申込確認, quitting): nothing typed is left unsaved."""
        self.form.absorb_widgets()
        self.saver.flush()

    def mark_submitted(self) -> None:
        """送信 done: the application is no longer a draft; stop saving it."""
        self.saver.finish()

    def on_draft_autosaver_copied(self, message: DraftAutosaver.Copied) -> None:
        self.notify(
            f"この下書きは別の画面で変更されていたため、ここで入力した内容を新しい下書き（No.{message.number}）として"
            "保存しました。どちらの内容も失われていません（申込一覧で確認できます）。",
            title="下書きの競合",
            severity="warning",
            timeout=20,
        )

    def on_draft_autosaver_saved(self, message: DraftAutosaver.Saved) -> None:
        if not self.saver.finished:
            self.query_one("#draft-status", Static).update(f"下書きを保存しました {message.stamp}")

    def on_draft_autosaver_save_failed(self, message: DraftAutosaver.SaveFailed) -> None:
        if self.saver.finished:
            return
        self.saver.failed(message)
        self.notify(message.message, severity="warning" if message.refused else "error")

    def on_unmount(self) -> None:
        try:
            self.flush_draft()
        except Exception:
            pass
