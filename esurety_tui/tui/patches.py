"""Fixes for Textual, applied when the UI is imported (each only on the pinned Textual version).

1. The compositor (below). 2. The input parser inside bracketed pastes (``paste_safe``).
3. The Footer's leak of every FooterKey it ever composed (``_footer_compose``).

The compositor:

Textual 8.2.8 (Textualize/textual#6357, open): the compositor chops every screen line at the edges
of *all* widgets, then fills each chop from the top-most widget. When an overlay (toast, pop-up,
command palette, dialog) draws a full-width character exactly where an edge of a widget *under*
it falls, ``Strip.divide`` splits the character and both halves become spaces: 「デモデータを」
shows as 「デモデータ  」. In a Japanese UI that loses text in every notification.

The fix: where two neighbouring chops of a line were won by the same render and the cut between
them falls inside a wide character, the cut moves one cell right, so the character stays whole
in the left chop. Every chop keeps its slot (the update code zips chops with their ends), each
still starts where it draws, and partial repaints keep working. Only applied to the pinned Textual
version it was written against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import textual
from rich.cells import cell_len
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

PATCHED_VERSION = "8.2.8"
_EMPTY = Strip([], 0)


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    # Per line: cut -> (render number, that render's whole line strip, its x).
    owners: list[dict[int, tuple[int, Strip, int]]] = [{} for _ in cuts]
    intersection = Region.intersection

    for number, (region, clip, strips) in enumerate(self._get_renders(crop)):
        render_region = intersection(region, clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            chops_line, owner_line = chops[y], owners[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            cut_strips = strip.divide([cut - render_x for cut in final_cuts[1:]])
            for cut, cut_strip in zip(final_cuts, cut_strips, strict=False):
                if chops_line.get(cut) is None:  # front to back: the first render wins
                    chops_line[cut] = cut_strip
                    owner_line[cut] = (number, strip, render_x)

    for y, chops_line in enumerate(chops):
        owner_line = owners[y]
        if len(owner_line) > 1:
            chops[y] = _keep_wide_characters(cuts[y], chops_line, owner_line)
    return chops  # type: ignore[return-value]


def _char_edges(strip: Strip) -> set[int]:
    """Cell offsets in ``strip`` where a character starts (or the strip ends)."""
    edges, x = {0}, 0
    for ch in strip.text:
        x += cell_len(ch)
        edges.add(x)
    return edges


def _keep_wide_characters(
    line_cuts: list[int], chops_line: dict[int, Strip | None], owner_line: dict[int, tuple[int, Strip, int]]
) -> dict[int, Strip | None]:
    starts = line_cuts[:-1]
    moved = list(starts)
    edges_cache: dict[int, set[int]] = {}
    for i in range(1, len(starts)):
        left, right = owner_line.get(starts[i - 1]), owner_line.get(starts[i])
        if left is None or right is None or left[0] != right[0]:
            continue
        number, strip, render_x = right
        edges = edges_cache.get(number)
        if edges is None:
            edges = edges_cache[number] = _char_edges(strip)
        if starts[i] - render_x not in edges:  # the cut splits a wide character
            moved[i] = min(starts[i] + 1, line_cuts[i + 1])
    if moved == starts:
        return chops_line
    rebuilt: dict[int, Strip | None] = {}
    for i, start in enumerate(starts):
        owner = owner_line.get(start)
        end = moved[i + 1] if i + 1 < len(starts) else line_cuts[-1]
        if owner is None or (moved[i] == start and (i + 1 == len(starts) or moved[i + 1] == starts[i + 1])):
            rebuilt[start] = chops_line[start]  # untouched
            continue
        _, strip, render_x = owner
        if moved[i] >= end:  # nothing left of this chop: an empty strip where it was
            rebuilt[start] = _EMPTY
        else:
            rebuilt[moved[i]] = strip.crop(moved[i] - render_x, end - render_x)
    return rebuilt


def _textual_version() -> str:
    """Textual's version, read from its dist-info folder's name: ``textual.__version__`` imports
    importlib.metadata (and the email package), ~10 ms before the first paint."""
    for info in Path(textual.__file__).resolve().parent.parent.glob("textual-*.dist-info"):
        return info.name[len("textual-") : -len(".dist-info")]
    return textual.__version__  # another kind of install


# A second fix, to the input parser (Textual 8.2.8): inside a bracketed paste an ESC starts escape
# sequence parsing; an unknown sequence is re-issued as *keys* ahead of the Paste event, and the
# paste is cut there: pasting "AB<ESC>[2JCD" types "^[2JCD" and then pastes "AB". The fix filters
# what is fed to the parser: inside a paste, every ESC that does not begin the end marker is
# dropped, so the paste arrives whole and in order ("AB[2JCD"); SafeInput drops the other controls.
_PASTE_START, _PASTE_END = "\x1b[200~", "\x1b[201~"


def paste_safe(parser: object, data: str) -> str:
    """``data`` with the ESCs inside bracketed pastes removed; state kept on ``parser`` across reads
    (a tail that may begin the end marker is held back until the next read: the terminal sends the
    marker right after the pasted text). A start marker split across two reads is not seen: that
    paste goes through unfiltered, as without the fix."""
    in_paste, held = getattr(parser, "_esurety_paste", (False, ""))
    text, out, i = held + data, [], 0
    held = ""
    while i < len(text):
        if not in_paste:
            j = text.find(_PASTE_START, i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i : j + len(_PASTE_START)])
            i, in_paste = j + len(_PASTE_START), True
        else:
            j = text.find(_PASTE_END, i)
            if j < 0:
                chunk = text[i:]
                for n in range(min(len(_PASTE_END) - 1, len(chunk)), 0, -1):
                    if _PASTE_END.startswith(chunk[-n:]):
                        chunk, held = chunk[:-n], chunk[-n:]
                        break
                out.append(chunk.replace("\x1b", ""))
                break
            out.append(text[i:j].replace("\x1b", "") + _PASTE_END)
            i, in_paste = j + len(_PASTE_END), False
    parser._esurety_paste = (in_paste, held)  # type: ignore[attr-defined]
    return "".join(out)


def _feed(self, data: str):
    if data:  # "" is end of input: passed on as is
        data = paste_safe(self, data)
        if not data:
            return iter(())
    return _feed.__wrapped_original__(self, data)  # type: ignore[attr-defined]


# A third fix, to the Footer (Textual 8.2.8): Footer.compose binds each FooterKey's ``compact`` to the
# Footer's (``FooterKey(...).data_bind(compact=Footer.compact)``), which appends ``(key, setter)`` to the
# Footer's ``__watchers["compact"]``. The Footer recomposes on every change of the screen's bindings
# (every focus change), and Textual drops a closed watcher only when the watched value changes, which
# ``compact`` never does after mount: every FooterKey ever composed stays reachable from the Footer,
# ~30 KB each (2 per focus change on a typical page, without end). Reproduced in a bare app by
# benchmarks/footer_leak.py; the upstream report is docs/upstream/textual-footer-leak.md. The fix:
# before the Footer composes its new keys (the old ones are removed by then), drop the watchers of
# keys that are no longer mounted. And a footer that would compose the same keys again (focus moved
# between widgets with no keys of their own in the footer: the search box and the list) is left as
# it is: no widgets removed and mounted, nothing to leak, no frame spent (~5–20 ms each).


def drop_dead_watchers(node: object, attribute: str) -> None:
    """Remove watchers of ``node.<attribute>`` whose watching node is closed or detached."""
    watchers = getattr(node, "__watchers", {}).get(attribute)
    if watchers:
        watchers[:] = [
            (reactable, callback)
            for reactable, callback in watchers
            if not (
                getattr(reactable, "_closing", False)
                or getattr(reactable, "_closed", False)
                or not getattr(reactable, "is_attached", True)
            )
        ]


def _footer_signature(footer, screen) -> tuple:
    """What Footer.compose shows for ``screen``'s active bindings (each shown key: its key, how
    it is displayed, description, action, enabled, tooltip and group; the palette key)."""
    app = footer.app
    shown = tuple(
        (
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            enabled,
            tooltip,
            binding.group,
        )
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
    palette = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING) if footer.show_command_palette else None
    if palette is not None:
        _, binding, enabled, tooltip = palette
        palette = (binding.key, binding.description, enabled, tooltip)
    return shown, palette, footer.compact, footer.combine_groups


def _footer_compose(self):
    drop_dead_watchers(self, "compact")
    if self._bindings_ready:
        self._esurety_signature = _footer_signature(self, self.screen)
    yield from _footer_compose.__wrapped_original__(self)  # type: ignore[attr-defined]


def _footer_bindings_changed(self, screen) -> None:
    if (
        self._bindings_ready
        and self.is_attached
        and screen is self.screen
        and self.children
        and getattr(self, "_esurety_signature", None) == _footer_signature(self, screen)
    ):
        return  # the same keys: nothing to compose again
    _footer_bindings_changed.__wrapped_original__(self, screen)  # type: ignore[attr-defined]


def apply() -> bool:
    """Install the fixes; returns whether they were installed (only on the pinned Textual)."""
    from textual._xterm_parser import XTermParser
    from textual.widgets import Footer

    if _textual_version() != PATCHED_VERSION or Compositor._render_chops is _render_chops:
        return False
    _render_chops.__wrapped_original__ = Compositor._render_chops  # type: ignore[attr-defined]
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    _feed.__wrapped_original__ = XTermParser.feed  # type: ignore[attr-defined]
    XTermParser.feed = _feed  # type: ignore[method-assign]
    _footer_compose.__wrapped_original__ = Footer.compose  # type: ignore[attr-defined]
    Footer.compose = _footer_compose  # type: ignore[method-assign]
    _footer_bindings_changed.__wrapped_original__ = Footer.bindings_changed  # type: ignore[attr-defined]
    Footer.bindings_changed = _footer_bindings_changed  # type: ignore[method-assign]
    return True


APPLIED = apply()
