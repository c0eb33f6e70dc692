"""ListTable: DataTable with a quicker cell render for one-line text cells (the contract lists).

DataTable (pinned Textual 8.2.8) renders every cell through Rich's generic path: ``Styled(Padding(
cell))`` into ``console.render_lines``, about 0.2 ms a cell, three quarters of a list frame (a window of
50 rows shows 15 rows of 5 cells on each new window). For a cell that is a one-line ``Text`` in a row of
height 1, ListTable yields the same segments by calling the steps that path ends in (the Text's own
``__rich_console__``, one crop and pad, the padding, the styles) without the layers around them.
The header's labels take the same path (it is drawn again with every new window). Everything else
(row labels, taller rows, other renderables, text with tabs or line breaks, empty text) goes the
generic way. tests/test_list_table.py checks both give the same segments.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

_NULL = Style.null()


class ListTable(DataTable):
    """A DataTable whose one-line text cells render without Rich's generic layers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._options: dict = {}  # (width, screen size) -> the inner width's ConsoleOptions, or None
        self._sums: dict = {}  # style sums: (base, row, column, cell styles) and (outer, own, post)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        header = row_index == -1
        if column_index < 0 or (header and self.header_height != 1):  # row labels, a taller header
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        lines = None
        row = None if header else self.rows.get(row_key)
        if header or (row is not None and row.height == 1 and not row.auto_height):
            lines = self._one_line(row_index, column_index, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cell_render_cache[cache_key] = lines
        return lines

    def _one_line(
        self, row_index: int, column_index: int, base_style: Style, width: int, cursor: bool, hover: bool
    ) -> list[list[Segment]] | None:
        """The cell's one line as DataTable would render it, or None to let DataTable render it."""
        _, cells = self._get_row_renderables(row_index)
        cell = cells[column_index]
        pad = self.cell_padding
        inner = width - 2 * pad
        if type(cell) is not Text or inner <= 0:
            return None
        plain = cell.plain
        if not plain or "\n" in plain or "\t" in plain:
            return None
        console = self.app.console
        options = self._options.get((width, self.app.size))
        if options is None:
            if len(self._options) > 64:
                self._options.clear()
            full = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
            options = self._options[width, self.app.size] = full.update_width(inner) if self._plain(full) else None
        if options is None:
            return None  # the options decide the layout: leave it to Rich
        header = row_index == -1
        pre, post = self._get_styles_to_render_cell(
            header,
            False,
            not header and (row_index < self.fixed_rows or column_index < self.fixed_columns),
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        sums = self._sums
        if len(sums) > 20_000:
            sums.clear()
        key = (base_style, row_index, column_index, pre)
        outer = sums.get(key)
        if outer is None:
            outer = sums[key] = base_style + Style.from_meta({"row": row_index, "column": column_index}) + pre
        # Padding: the text at the inner width, cut and padded to it (console.render_lines, pad=True).
        segments = list(cell.__rich_console__(console, options))
        line = next(iter(Segment.split_and_crop_lines(segments, inner, include_new_lines=False, pad=True)), None)
        if line is None:
            return None
        edge = Segment(" " * pad, _NULL) if pad else None
        padded = [edge, *line, edge] if edge else line
        # Styled: the cell's styles around each segment's own (Segment.apply_style, pre then post).
        styled = []
        for text, style, _ in padded:
            key = (outer, style, post)
            combined = sums.get(key)
            if combined is None:
                combined = outer + style
                if post:
                    combined = combined + post if combined else post
                sums[key] = combined
            styled.append(Segment(text, combined))
        return [styled]

    @staticmethod
    def _plain(options) -> bool:
        """Whether the console's options leave a Text's layout to the Text (no justify or overflow of
        their own)."""
        return options.justify is None and options.overflow is None
