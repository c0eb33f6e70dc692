"""Headless driving helpers shared by the tests and scripts/screenshots.py (Textual's Pilot).

``settle`` is the one way to wait for the app: until no worker runs and no message is queued anywhere,
so a worker whose result starts another worker is waited for too."""

from __future__ import annotations

import time

from textual.worker import WorkerState

SETTLE_TIMEOUT = 30.0  # generous: a loaded 2-core CI box; a hang still fails instead of blocking


def _idle(app) -> bool:
    if any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
        return False
    nodes = [app, *app.screen_stack, *app.screen.walk_children(with_self=True)]
    return all(node._message_queue.empty() for node in nodes)


async def settle(pilot, app=None, *, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until no worker runs and every mounted node's message queue is empty (twice in a row)."""
    app = app or pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        if app._exit_renderables or app.return_code is not None or not app.is_running:
            return  # exiting (or crashed): nothing more will settle; the test sees why
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = quiet + 1 if _idle(app) else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"the app did not settle within {timeout:.0f} s")


async def type_text(pilot, text: str) -> None:
    """Type like a person: one key per character (works for Japanese too)."""
    for ch in text:
        await pilot.press(ch)


def screen_lines(app) -> list[str]:
    """The current screen rendered to plain text, one string per terminal row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def until(pilot, condition, *, timeout: float = SETTLE_TIMEOUT, what: str = "the condition") -> None:
    """Settle, then keep pausing until ``condition()`` holds (a debounced save, a timer); bounded."""
    deadline = time.monotonic() + timeout
    await settle(pilot, timeout=timeout)
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout:.0f} s")
        await pilot.pause(0.05)
        await settle(pilot, timeout=timeout)
