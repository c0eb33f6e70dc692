"""The draft autosaver: a draft is saved 0.3 s after the last change (in a thread worker) and at once,
in the caller's thread, when the screen goes away (back, 全体トップへ, ログアウト, quitting, SIGHUP or
SIGTERM): a dropped connection loses at most the last fraction of a second.

It reports by messages (``Saved``, ``Copied``, ``SaveFailed``), which bubble to the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from ...clock import now
from ...services import applications
from ...services.errors import InvalidState

SAVE_DELAY = 0.3


class DraftAutosaver(Widget):
    """Saves ``snapshot()`` (the form's raw text) as the draft ``application_id`` of ``session``.

    None as the id is 申込の作成(新規): the first save creates the draft (once, whichever thread saves
    first). Saves never put an older state over a newer one; a draft changed meanwhile by another
    session is not overwritten (the service keeps this text as a copy, and ``Copied`` says so).
    """

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

    def __init__(self, snapshot: Callable[[], dict[str, str]], application_id: int | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._snapshot = snapshot
        self.application_id = application_id
        self.session = None
        self.revision = 0
        self.finished = False  # submitted or refused by the store: never save again
        self._timer: Timer | None = None
        self._dirty = False
        self._handed: dict[str, str] | None = None  # the text last handed to a save (None: not started)
        self._stored: dict[str, str] | None = None  # the text last stored (a save handed on may not be)
        self._seq = 0  # change counter: a save older than the last stored one is dropped
        self._stored_seq = 0
        self._lock = threading.Lock()

    def start(self, session, application_id: int | None, revision: int) -> None:
        """The draft is loaded: from now on changes are saved (the loaded text is not a change)."""
        self.session = session
        self.application_id = application_id
        self.revision = revision
        self._handed = dict(self._snapshot())
        self._stored = self._handed

    def changed(self) -> None:
        """A change: save it once the keys have paused for SAVE_DELAY."""
        if self.finished or self._handed is None:
            return
        self._seq += 1
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        self._timer = None
        if self._dirty and not self.finished:
            self._dirty = False
            self._handed = dict(self._snapshot())
            self._save_worker(self.application_id, self._handed, self._seq)

    @work(thread=True, exclusive=True, group="draft")
    def _save_worker(self, application_id: int | None, raw: dict[str, str], seq: int) -> None:
        try:
            self._store(raw, seq)
        except InvalidState as err:
            self.post_message(self.SaveFailed(str(err), refused=True))
            return
        except Exception as err:
            self.post_message(self.SaveFailed(f"下書きを保存できません: {err}", refused=False))
            return
        self.post_message(self.Saved(now().strftime("%H:%M:%S")))

    def _store(self, raw: dict[str, str], seq: int) -> None:
        """One save at a time, never an older state over a newer one. The first save of 申込の作成(新規)
        creates the draft (under the lock: once, whichever thread saves first)."""
        with self._lock:
            if seq < self._stored_seq:
                return
            if self.application_id is None:
                self.application_id = applications.new_draft(self.session)  # type: ignore[arg-type]
                self.revision = 0
            saved = applications.save_draft(  # type: ignore[arg-type]
                self.session, self.application_id, raw, revision=self.revision
            )
            self.revision = saved.revision
            self._stored = raw
            if saved.copied_from is not None:  # the same draft was saved from another session
                self.application_id = saved.application_id
                self.post_message(self.Copied(saved.number))
            self._stored_seq = seq

    def flush(self) -> None:
        """Save now, in this thread (leaving the screen, 申込確認, quitting): nothing typed is left unsaved,
        even a change whose message has not arrived yet, or one handed to a worker that has not stored it
        (the worker may be cancelled as the screen goes): the text is compared with the last one stored."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.finished or self.session is None or self._handed is None:
            return
        raw = dict(self._snapshot())
        with self._lock:
            stored = self._stored
        if not self._dirty and raw == stored:
            return
        if raw != self._handed:
            self._seq += 1  # newer than any save already handed to a worker
        self._dirty = False
        self._handed = raw
        try:
            self._store(raw, self._seq)
        except InvalidState as err:
            self.finished = True
            self.notify(str(err), severity="warning")
        except Exception as err:
            self._dirty = True
            self.notify(f"下書きを保存できません: {err}", severity="error")

    def finish(self) -> None:
        """送信 done (or refused for good): the application is no longer a draft; stop saving it."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._dirty = False
        self.finished = True

    def failed(self, message: SaveFailed) -> None:
        """A worker's save failed: refused for good, or kept to retry with the next change."""
        if message.refused:
            self.finished = True
        else:
            self._dirty = True
