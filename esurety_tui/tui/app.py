"""The Net Desk application: log-in decides the role; screens call services, never SQL."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from . import patches  # noqa: F401  (keeps full-width text whole under overlays)
from .messages import Notice

if TYPE_CHECKING:
    from ..services.session import Session
    from ..settings import Settings


def _netdesk_commands() -> type[Provider]:
    from .commands import NetDeskCommands

    return NetDeskCommands


def _contract_commands() -> type[Provider]:
    from .commands import ContractCommands

    return ContractCommands


TOAST_LIMIT = 200  # characters of a toast's message


def ssh_fetch_line(fetch: str, filename: str) -> str | None:
    """Over SSH (SSH_CONNECTION set): the command an operator runs on their own machine to get the
    PDF, e.g. ``ssh netdesk@host notice 35072-00000M > 認証キーのお知らせ_35072-00000M.pdf``."""
    import getpass
    import os
    import shlex
    import socket

    conn = os.environ.get("SSH_CONNECTION", "").split()
    if len(conn) != 4:
        return None
    port = "" if conn[3] == "22" else f"-p {conn[3]} "
    return f"ssh {port}{getpass.getuser()}@{socket.gethostname()} {fetch} > {shlex.quote(filename)}"


class NetDeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "インターネット保証サービス Net Desk"
    BINDINGS = [
        Binding("ctrl+q", "quit", "終了", id="quit", priority=True),
        # Our own palette binding, so the footer says コマンド (Textual adds an English "palette" otherwise).
        Binding(
            "ctrl+p",
            "command_palette",
            "コマンド",
            id="command_palette",
            show=False,
            priority=True,
            tooltip="コマンドパレット（保証契約番号・工事名で移動、認証キーのコピー）",
        ),
    ]
    # Callables: the palette's providers (and domain.text, jaconv) load when ctrl+p is first used.
    # Only the app's own commands, in Japanese: not Textual's system commands (Keys, Maximize, Quit,
    # Screenshot, Theme — in English, and Screenshot would write the screen, 認証キー included).
    COMMANDS = {_netdesk_commands, _contract_commands}

    def __init__(
        self,
        database: str | None = None,
        *,
        demo_if_empty: bool = True,
        session: Session | None = None,
        settings: Settings | None = None,
    ) -> None:
        """``database``: a path or URL to open in a worker after the first paint; None when the caller
        has already initialised the store (tests). ``session``: start logged in (tests, demos).
        ``settings``: as loaded by the caller (``esurety run``); None reads config.toml now
        (``settings.current()``; a broken file raises ConfigError before the UI starts)."""
        if settings is None:
            from ..settings import current

            settings = current()
        self.settings: Settings = settings
        super().__init__()
        self._database = database
        self._demo_if_empty = demo_if_empty
        self.session: Session | None = session
        self.db_ready = threading.Event()
        self.db_error: str | None = None
        self.last_export: Path | None = None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands, were its provider ever offered: only 終了, in Japanese."""
        yield SystemCommand("終了", "ネットデスクを終了します", self.action_quit)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """A screenshot (``action_screenshot``, if a keymap binds it) shows the 認証キー: it goes to the
        exports folder with mode 0600, never to ~/Downloads at the umask's mode."""
        from ..clock import now
        from ..services.exports import save_to_exports

        name = Path(filename).name if filename else f"screenshot_{now():%Y%m%d_%H%M%S}.svg"
        try:
            saved = save_to_exports(name, self.export_screenshot().encode("utf-8"))
        except OSError as e:
            self.notify(f"画面を保存できませんでした: {e}", severity="error")
            return None
        self.notify(f"画面を保存しました: {saved}", title="画面保存")
        return None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is literal text: messages hold paths (ESURETY_EXPORTS), names and errors,
        none of which is markup. (``markup`` is accepted for Textual's callers and ignored.)
        A toast is a few lines: longer text is cut with an ellipsis."""
        from ..domain.text import printable

        def short(text: object, limit: int) -> str:
            text = printable(str(text))
            return text if len(text) <= limit else text[: limit - 1] + "…"

        super().notify(
            short(message, TOAST_LIMIT), title=short(title, 40), severity=severity, timeout=timeout, markup=False
        )

    def on_notice(self, message: Notice) -> None:
        """A worker's toast (``messages.Notice``)."""
        self.notify(message.text, title=message.title, severity=message.severity, timeout=message.timeout)

    class Download(Message):
        """Under textual-serve: a PDF for the browser to download (``deliver_binary`` on the loop)."""

        def __init__(self, data: bytes, filename: str) -> None:
            super().__init__()
            self.data, self.filename = data, filename

    def on_net_desk_app_download(self, message: Download) -> None:
        import io

        self.deliver_binary(io.BytesIO(message.data), save_filename=message.filename, mime_type="application/pdf")

    def get_key_display(self, binding: Binding) -> str:
        """F-keys as the header writes them: F1, not f1."""
        display = super().get_key_display(binding)
        if len(display) <= 3 and display[:1] == "f" and display[1:].isdigit():
            return display.upper()
        return display

    # keys typed ahead ----------------------------------------------------------
    #
    # Keys read in one burst (a paste, a slow SSH link) are all queued on the app before the first is
    # handled, and Textual forwards each to the widget focused *at that moment*. What an earlier key
    # started lands on the app's queue *behind* the burst: a key the widget does not use (Enter in an
    # Input) bubbles back to run its binding, and Widget.focus() is a callback on the app's queue. So
    # "demo⏎pw12" put "demopw12" in ログインID, and "Ctrl+F 河川⏎" typed into the table. Before a
    # key from the terminal is routed: let the widgets finish what earlier keys started, and run what
    # that put on the app's queue (everything but the burst's own input events), until nothing moves.
    # The key then reaches the widget focused by then, as if it had been typed slowly.

    KEY_BARRIER_LIMIT = 2.0  # seconds; a widget that keeps posting never holds the keyboard longer

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self._let_earlier_keys_land()
        await super().on_event(event)

    def _widgets_busy(self) -> bool:
        try:
            nodes = [*self.screen_stack, *self.screen.walk_children()]
        except Exception:
            return False
        return not all(node._message_queue.empty() for node in nodes)

    def _take_consequences(self) -> list:
        """Messages on the app's queue that are not the terminal's own input (pinned Textual 8.2.8:
        the queue is a deque ``values`` and a ``ready_event``)."""
        from textual.message import Message
        from textual.messages import CloseMessages, ExitApp

        queue = self._message_queue
        taken = []
        for m in queue.values:
            if m is None or isinstance(m, (CloseMessages, ExitApp)) or not isinstance(m, Message):
                break  # closing: leave the rest to the normal loop
            if not (isinstance(m, events.InputEvent) and not m.is_forwarded):
                taken.append(m)
        for message in taken:
            queue.values.remove(message)
        if taken and not queue.values:
            queue.ready_event.clear()
        return taken

    async def _let_earlier_keys_land(self) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.KEY_BARRIER_LIMIT
        while loop.time() < give_up:
            if self._widgets_busy():
                await asyncio.sleep(0)
                continue
            taken = self._take_consequences()
            if not taken:
                return
            for message in taken:
                await self._dispatch_message(message)

    # start-up -----------------------------------------------------------------
    #
    # The screen stack is [ログイン, 全体トップ, …]. ログイン is the default screen, composed with the
    # app, so it is in the very first frame (a pushed first screen waits for a blank frame first).

    def get_default_screen(self) -> Screen:
        from .screens.login import LoginScreen

        return LoginScreen()

    async def on_mount(self) -> None:
        self._apply_keymap()
        self._warn_settings()
        self._watch_hangup()
        if self._database is None:
            self.db_ready.set()
        # ログイン composes in its own task: let it finish before the app handles any key, so that
        # keys typed ahead of the first paint reach its focused field (LoginScreen.AUTO_FOCUS).
        # (Bounded: if composing failed, the app must still get to handle its exit.)
        loop = asyncio.get_running_loop()
        give_up = loop.time() + 5
        while not self.screen.is_mounted and loop.time() < give_up:
            await asyncio.sleep(0)
        if self.session is not None:
            self.push_screen(self.top_screen())
        self.check_size()

    # window size ----------------------------------------------------------------

    # Below 80×24 a message covers the screens (they would cut amounts), until the window fits.
    # It is always the top screen: a screen pushed meanwhile goes under it.

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size)  # self.size follows a moment later

    def _too_small_on_top(self) -> bool:
        from .screens.too_small import TooSmallScreen

        return bool(self._screen_stack) and isinstance(self.screen, TooSmallScreen)

    def check_size(self, size=None) -> None:
        from .screens.too_small import TooSmallScreen, too_small

        small, showing = too_small(*(size or self.size)), self._too_small_on_top()
        if small and not showing:
            super().push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[override]
        from .screens.too_small import TooSmallScreen

        if isinstance(screen, TooSmallScreen) or not self._too_small_on_top():
            return super().push_screen(screen, *args, **kwargs)
        self.pop_screen()  # the new screen goes under the message
        result = super().push_screen(screen, *args, **kwargs)
        super().push_screen(TooSmallScreen())
        return result

    def on_ready(self) -> None:
        """The first frame is going out: only now open the database (peewee, SQLite, migrations),
        so that it does not compete with that first paint. Log-in waits on ``db_ready``."""
        if self._database is not None:
            self.open_database()

    def _watch_hangup(self) -> None:
        """A dropped SSH connection (SIGHUP) or a kill (SIGTERM) saves open drafts before exiting;
        so does a terminal that goes away without a signal (its pty closed under the app)."""
        import signal

        if self.is_headless:
            return  # tests: never take over the test runner's signals
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._hang_up, sig)
        except (NotImplementedError, RuntimeError, AttributeError, ValueError):
            pass  # Windows, or not the main thread: nothing to watch
        self._watch_terminal()

    def _watch_terminal(self) -> None:
        """Textual's input thread spins (100 % of a core, forever) once its terminal reads end of file
        or fail: watch the input for a hang-up (POLLHUP/POLLERR) in a thread of our own, then save
        and exit."""
        import select

        fd = getattr(self._driver, "fileno", None)
        if not isinstance(fd, int) or not hasattr(select, "poll"):
            return
        loop = asyncio.get_running_loop()
        gone = select.POLLHUP | select.POLLERR | select.POLLNVAL

        def watch() -> None:
            poller = select.poll()
            poller.register(fd, gone)  # not POLLIN: typing does not wake this thread
            while True:
                try:
                    ready = poller.poll(1000)
                except InterruptedError:
                    continue
                except OSError:
                    break
                if any(mask & gone for _, mask in ready):
                    break
            loop.call_soon_threadsafe(self._terminal_lost)

        threading.Thread(target=watch, name="terminal-watch", daemon=True).start()

    def _terminal_lost(self) -> None:
        import os
        import signal

        self.flush_drafts()
        os._exit(128 + int(signal.SIGHUP))  # nothing to restore: the terminal is gone

    def _hang_up(self, sig: int) -> None:
        import os

        self.flush_drafts()
        self._restore_terminal()
        os._exit(128 + int(sig))

    # What Textual's driver undoes on a normal exit: mouse reporting, bracketed paste, line wrap,
    # resize reports, the kitty keyboard protocol, the alternate screen, the hidden cursor, focus reports.
    RESTORE_SEQUENCE = (
        "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[?2048l"
        "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"
    )

    def _restore_terminal(self) -> None:
        """Best effort, at once (a signal will not wait for the driver's threads): leave the terminal
        as the shell had it. Fails silently when the terminal is already gone (SIGHUP)."""
        import os
        import sys

        driver = self._driver
        if driver is None or self.is_headless:
            return
        out = getattr(driver, "_file", None) or sys.__stderr__
        try:
            os.write(out.fileno(), self.RESTORE_SEQUENCE.encode())
        except (OSError, ValueError, AttributeError):
            pass
        attrs, fd = getattr(driver, "attrs_before", None), getattr(driver, "fileno", None)
        if attrs is not None and isinstance(fd, int):
            try:
                import termios

                termios.tcsetattr(fd, termios.TCSANOW, attrs)
            except (ImportError, OSError, termios.error):
                pass

    async def action_quit(self) -> None:
        """Ctrl+Q: every open draft is saved, with what its focused field shows now."""
        self.flush_drafts()
        await super().action_quit()

    def flush_drafts(self) -> None:
        """Save every open application form now (synchronously), with what its focused field shows
        now (that field's change message may still be on its way: quitting, a signal)."""
        from .screens.application import ApplicationScreen

        for screen in self.screen_stack:
            if isinstance(screen, ApplicationScreen):
                try:
                    screen.take_focused_value()
                    screen.flush_draft()
                except Exception:
                    pass

    @work(thread=True, exclusive=True, group="db")
    def open_database(self) -> None:
        from ..locations import default_database_path
        from ..services.setup import left_unclean, open_database

        unclean = False
        try:
            unclean = left_unclean(self._database)
            # Log-in waits for db_ready only: SQLite's quick_check reads the whole file (~90 ms at
            # 100,000 contracts, 1-8 s at 1,000,000), so it runs after, below, and only when the file
            # was not closed cleanly (each SSH session is a start: a full read per log-in would not do).
            for warning in open_database(self._database, check=False):
                self.post_message(Notice(warning, title="ファイルの権限", severity="warning", timeout=20))
            if self._demo_if_empty and Path(self._database) == default_database_path():
                from ..services import demo
                from ..services.session import SYSTEM_SESSION

                if demo.is_empty(SYSTEM_SESSION):
                    demo.load(SYSTEM_SESSION)
                    self.post_message(
                        Notice(
                            "初回起動のため、デモデータを読み込みました。ログインID demo / パスワード demo でお試しください。",
                            title="デモデータ",
                            timeout=15,
                        )
                    )
        except Exception as e:
            self.db_error = f"データベースを開けません: {e}"
            self.post_message(Notice(self.db_error, severity="error", timeout=30))
        finally:
            self.db_ready.set()
        self._warm_up()
        try:
            if unclean and self.db_error is None:
                self._check_database()
        finally:
            # This pool thread's connection read the whole file (quick_check): its page cache (16 MB)
            # would stay with the thread for the app's life.
            from ..services.setup import release_connection

            release_connection()

    def _warm_up(self) -> None:
        """While ログイン waits for the password, load what Enter will need: the password hasher
        (argon2) and the top pages with their services (DataTable …). Imported after Enter, they were
        about half of log-in → rows painted (besides the hash itself)."""
        if self.session is not None:
            return  # SSH: already logged in, the top page is being made
        try:
            import argon2  # noqa: F401  (services.auth loads it on first use)

            from ..services import auth, contracts  # noqa: F401
            from .screens import top  # noqa: F401
            from .screens.branch import top as branch_top  # noqa: F401
        except Exception:
            pass

    def _check_database(self) -> None:
        """After an unclean shutdown, SQLite's quick_check while the user logs in; damage is reported
        (the app stays usable: SQLite refuses a damaged page when it is read)."""
        from ..services.setup import check_database

        try:
            problems = check_database()
        except Exception as e:
            problems = [str(e)]
        if problems:
            self.post_message(
                Notice(
                    f"データベースが壊れています（{problems[0][:80]}）。esurety check で確認し、バックアップから戻してください。",
                    title="データベース",
                    severity="error",
                    timeout=60,
                )
            )

    def _apply_keymap(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))

    def _warn_settings(self) -> None:
        """Unknown keys in config.toml: said once, at start (they are ignored)."""
        for warning in self.settings.warnings:
            self.notify(warning, title="設定ファイル", severity="warning", timeout=20)

    # navigation ---------------------------------------------------------------

    def _top_screen_class(self, session: Session | None) -> type:
        from ..services.session import Role

        if session is not None and session.role == Role.BRANCH:
            from .screens.branch.top import BranchTopScreen

            return BranchTopScreen
        from .screens.top import TopScreen

        return TopScreen

    def top_screen(self, first: object = None) -> Screen:
        """This role's top page: 受付一覧 for a branch, 全体トップ for a contractor (with its first
        window when it was read ahead: ``read_top_window``)."""
        return self._top_screen_class(self.session)(first)

    def read_top_window(self, session: Session) -> object:
        """From the log-in worker, right after the password was checked: the first window of this
        role's top page, so that the page's first frame already shows it (one paint, no query racing
        the page's composition). None if it could not be read: the page then reads it itself."""
        from ..services.setup import release_connection

        try:
            return self._top_screen_class(session).read_first(session)
        except Exception:
            return None
        finally:
            release_connection()  # a pool thread: the count's page cache is not kept with it

    def logged_in(self, session: Session, first: object = None) -> None:
        self.session = session
        self.push_screen(self.top_screen(first))
        self.call_after_refresh(self._settle_memory)

    @staticmethod
    def _settle_memory() -> None:
        """After log-in's first frame: what the app holds from here on (Textual, the screens, the
        modules) leaves the collector's full passes (gc.freeze), which otherwise walk it all again
        every so often in the middle of a key's frame."""
        import gc

        gc.collect()
        gc.freeze()

    def _pop_to_base(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_top(self) -> None:
        """全体トップへ: this role's top page."""
        if self.session is None:
            return
        self._pop_to_base()
        top = self.top_screen()
        if type(self.screen) is not type(top):
            self.switch_screen(top)
        self.check_size()

    def action_logout(self) -> None:
        """ログアウト."""
        if self.session is None:
            return
        self.session = None
        while len(self.screen_stack) > 1:  # back to ログイン (emptied when the session began)
            self.pop_screen()
        self.notify("ログアウトしました。")
        self.check_size()

    def open_contract(self, ref: int | str) -> None:
        from ..services.session import Role

        if self.session is not None and self.session.role == Role.BRANCH:
            from .screens.branch.contract import BranchContractScreen

            self.push_screen(BranchContractScreen(ref))  # with 訂正 / 変更 / 取消 / 再発行
            return
        from .screens.detail import DetailScreen

        self.push_screen(DetailScreen(ref))

    def new_application(self) -> None:
        from .screens.application import ApplicationScreen

        self.push_screen(ApplicationScreen(None))

    def open_application(self, application_id: int) -> None:
        from .screens.application import ApplicationScreen

        self.push_screen(ApplicationScreen(application_id))

    def copy_key(self, number: str, key: str) -> None:
        """Copy through the terminal (OSC 52 travels over SSH); the key also stays on screen."""
        self.copy_to_clipboard(key)
        self.notify(f"認証キー {key} をクリップボードにコピーしました（{number}）。", title="コピー")
        self.record_copy(number)

    @work(thread=True, group="audit")
    def record_copy(self, number: str) -> None:
        from ..services import contracts

        if self.session:
            contracts.note_key_copied(self.session, number)

    @work(thread=True, group="mail")
    def send_mail(self) -> None:
        """Deliver queued mail off the UI thread (after 発行 / 再発行); a failure leaves it queued."""
        from ..services import mail

        try:
            mail.deliver_in_worker(settings=mail.MailSettings.from_settings(self.settings))
        except Exception:
            pass

    def deliver_pdf(self, filename: str, data: bytes, *, fetch: str | None = None) -> None:
        """Hand a PDF to the user. Call from a worker thread.

        In a terminal the file is written atomically to the exports folder (``esurety locate``);
        under textual-serve ``deliver_binary`` starts a browser download. Over SSH the exports
        folder is on the server: the note also gives the ``ssh … {fetch} > file`` line that
        brings the same PDF to the operator's own machine."""
        if self.is_web:
            self.post_message(self.Download(data, filename))
            return
        from ..services.exports import save_to_exports

        try:
            path = save_to_exports(filename, data)
        except OSError as e:
            self.post_message(Notice(f"PDFを保存できませんでした: {e}", severity="error", timeout=12))
            return
        self.last_export = path
        message = f"PDFを保存しました: {path}"
        line = ssh_fetch_line(fetch, filename) if fetch else None
        if line:
            # the line first: a toast is cut at TOAST_LIMIT, and one line (printable() escapes a newline)
            message = f"手元に取り出すには: {line}  （サーバーに保存: {path}）"
        self.post_message(Notice(message, title="印刷", timeout=30 if line else 12))

    def on_delivery_complete(self, event) -> None:
        self.notify(f"PDFをダウンロードしました: {event.path}", title="印刷", timeout=12)

    def on_delivery_failed(self, event) -> None:
        self.notify(f"PDFを保存できませんでした: {event.exception}", severity="error", timeout=12)
