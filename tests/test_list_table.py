"""ListTable's quick cell render gives the very segments DataTable's generic render gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from esurety_tui.tui.widgets.table import ListTable
from esurety_tui.tui.widgets.text import cell

# Text as the lists show it: ASCII, kana, kanji, full-width digits, markup-looking brackets, spaces.
CHARS = st.sampled_from(list("aZ09 -[]/()円河川維持工事アイウｶﾞ０１２〜…") + ["[bold]", "[/]"])
TEXTS = st.lists(CHARS, min_size=1, max_size=30).map("".join)


class Tables(App):
    def compose(self):
        yield ListTable(id="t", cursor_type="row", zebra_stripes=True)


def _cells(texts: list[str]) -> tuple:
    first, second, third = texts
    return (
        "".join(ch for ch in first if ch.isalnum()) or "1",  # a plain str (numbers in the lists): read as markup
        Text(second, style="red" if len(second) % 2 else ""),
        cell(third),  # no_wrap, ellipsis
        Text(first + second, justify="right"),
        Text.assemble((second, "bold"), " ", (third, "italic")),
    )


def _generic(table: DataTable, row: int, column: int, width: int, cursor: bool, hover: bool):
    table._cell_render_cache.clear()
    base = table.rich_style
    return DataTable._render_cell(table, row, column, base, width, cursor, hover)


def _quick(table: ListTable, row: int, column: int, width: int, cursor: bool, hover: bool):
    table._cell_render_cache.clear()
    return table._render_cell(row, column, table.rich_style, width, cursor, hover)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(TEXTS, min_size=3, max_size=3), min_size=1, max_size=4))
async def test_quick_cells_are_the_segments_datatable_renders(rows):
    app = Tables()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ListTable)
        for key, width in (("a", 4), ("b", 8), ("c", 12), ("d", 14), ("e", 20)):
            table.add_column(key, width=width, key=key)
        for i, texts in enumerate(rows):
            table.add_row(*_cells(texts), key=f"r{i}")
        quick_used = 0
        for row in range(len(rows)):
            for column, col in enumerate(table.ordered_columns):
                width = col.get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    want = _generic(table, row, column, width, cursor, hover)
                    table._cell_render_cache.clear()
                    quick_used += table._one_line(row, column, table.rich_style, width, cursor, hover) is not None
                    got = _quick(table, row, column, width, cursor, hover)
                    assert got == want, (row, column, cursor, hover, _cells(rows[row])[column])
        assert quick_used == len(rows) * 5 * 3  # every one of these cells took the quick path


async def test_the_header_renders_the_same_and_empty_cells_take_datatables_own_path():
    app = Tables()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(ListTable)
        table.add_column("見出し", width=8, key="a")
        table.add_column(Text("請負金額", justify="right"), width=13, key="b")
        table.add_column("発注者名 工事名が長い見出し", width=10, key="c")
        table.add_row("", "1", "2", key="r0")
        for column, col in enumerate(table.ordered_columns):
            width = col.get_render_width(table)
            for cursor, hover in ((False, False), (True, False), (False, True)):
                table._cell_render_cache.clear()
                assert table._one_line(-1, column, table.rich_style, width, cursor, hover) is not None
                assert _quick(table, -1, column, width, cursor, hover) == _generic(
                    table, -1, column, width, cursor, hover
                )
        width = table.ordered_columns[0].get_render_width(table)
        assert table._one_line(0, 0, table.rich_style, width, False, False) is None
        assert _quick(table, 0, 0, width, False, False) == _generic(table, 0, 0, width, False, False)
