"""Read queries shared by services. Every contractor query is scoped by company id.

A search with words goes through store/search.py first (SQLite: the FTS5 indexes answer rare words
and counts; common words walk the list's index below). Counts take a cap: they stop at cap + 1.

The 保証契約一覧 windows are ordered newest first (issued_at DESC, id DESC), which the indexes
on guarantee (company_id, issued_at, id) / (company_id, electronic, issued_at, id) / (issued_at,
id) and on certificate_version (issued_at, id) serve without sorting. A window is read in two
steps: the ids of the window (an index walk that skips ``offset`` entries without reading rows),
then those rows with their orderer. Counts do not join the orderer (guarantee.orderer is a NOT NULL
foreign key, so the join never removes a row). Plain SQL only: SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import cast

from peewee import JOIN, fn

from .models import CertificateVersion, Guarantee, Orderer

TABS = ("all", "electronic", "history")


def _search_words(text: str) -> list[str]:
    # domain.text (and jaconv) are imported on the first search, not by every `esurety key`.
    from ..domain.text import search_key

    return search_key(text.strip()).split()


def search_text_of(number: str, orderer_name: str, work_name: str) -> str:
    from ..domain.text import search_key

    return search_key(f"{number} {orderer_name} {work_name}")


def refresh_search_text(g: Guarantee) -> None:
    # Only the name column: migration step 2 runs before later steps add orderer columns.
    orderer = Orderer.select(Orderer.name).where(Orderer.id == g.orderer_id).get().name
    g.search_text = search_text_of(g.number, orderer, g.work_name)


def refresh_orderer_search_text(orderer_id: int) -> int:
    """After an orderer is renamed: the search text of its guarantees (the index follows by trigger).
    Returns how many rows changed."""
    name = Orderer.select(Orderer.name).where(Orderer.id == orderer_id).get().name
    changed = 0
    rows = (
        Guarantee.select(Guarantee.id, Guarantee.number, Guarantee.work_name, Guarantee.search_text)
        .where(Guarantee.orderer == orderer_id)
        .tuples()
    )
    for gid, number, work_name, old in cast("list[tuple[int, str, str, str]]", list(rows)):  # .tuples() rows
        text = search_text_of(number, name, work_name)
        if text != old:
            Guarantee.update(search_text=text).where(Guarantee.id == gid).execute()
            changed += 1
    return changed


def _in_text(word: str):
    """``word`` in Guarantee.search_text: LIKE, which PostgreSQL serves from its trigram index; a
    word of one or two characters has no trigram there and is looked up in the gram index instead."""
    from .db import is_sqlite

    if len(word) > 2 or is_sqlite():
        return Guarantee.search_text.contains(word)
    from . import search

    return search.pg_contains(Guarantee.search_text, word)


def _matches(word: str, by_company: bool):
    """A word as a condition on Guarantee: in its search text, or (a branch's list) its company's name.
    The companies are looked up first: a word in no company's name leaves a plain condition on the
    text, which PostgreSQL serves from an index (an OR with a sub-select would make it scan)."""
    from . import search
    from .models import Company

    condition = _in_text(word)
    if not by_company:
        return condition
    companies = search.company_matches(word)
    if not companies:
        return condition
    if len(companies) > search.MAX_COMPANY_ALTERNATIVES:
        return condition | Guarantee.company.in_(Company.select(Company.id).where(Company.search_name.contains(word)))
    return condition | Guarantee.company.in_(companies)


def _filtered(q, company_id: int | None, text: str, electronic_only: bool, branch_id: int | None = None):
    """``q`` (a select from Guarantee) narrowed to a company or branch, the electronic tab and the words."""
    if company_id is not None:
        q = q.where(Guarantee.company == company_id)
    if branch_id is not None:
        q = q.where(Guarantee.branch == branch_id)
    if electronic_only:
        q = q.where(Guarantee.electronic == True)
    for word in _search_words(text):
        q = q.where(_matches(word, company_id is None))
    return q


def _plan(company_id: int | None, text: str, electronic: bool, branch_id: int | None):
    """The search index's plan for a search on SQLite (None: no words, or another database)."""
    from .db import database, is_sqlite

    words = _search_words(text)
    if not words or not is_sqlite():
        return None
    from . import search

    return search.plan(
        database.obj, words, search.Scope(company_id, branch_id, electronic), by_company=company_id is None
    )


def _guarantee_order():
    return (Guarantee.issued_at.desc(), Guarantee.id.desc())


def guarantee_page(company_id: int | None, text: str, tab: str, offset: int, limit: int, branch_id: int | None = None):
    p = _plan(company_id, text, tab == "electronic", branch_id)
    if p is not None and p.sparse:
        from . import search
        from .db import database

        ids = search.guarantee_ids(database.obj, p, offset, limit)
        if not ids:
            return []
        rows = {g.id: g for g in Guarantee.select(Guarantee, Orderer).join(Orderer).where(Guarantee.id.in_(ids))}
        return [rows[i] for i in ids if i in rows]
    ids = (
        _filtered(Guarantee.select(Guarantee.id), company_id, text, tab == "electronic", branch_id)
        .order_by(*_guarantee_order())
        .offset(offset)
        .limit(limit)
    )
    q = Guarantee.select(Guarantee, Orderer).join(Orderer).where(Guarantee.id.in_(ids)).order_by(*_guarantee_order())
    return list(q)


def guarantee_count(
    company_id: int | None, text: str, tab: str, branch_id: int | None = None, cap: int | None = None
) -> int:
    """How many rows match; with ``cap``, at most cap + 1 (the count stops there)."""
    p = _plan(company_id, text, tab == "electronic", branch_id)
    if p is not None:
        from . import search
        from .db import database

        n = search.guarantee_count(database.obj, p, cap)
        if n is not None:
            return n
    q = _filtered(Guarantee.select(Guarantee.id), company_id, text, tab == "electronic", branch_id)
    if cap is not None:
        return q.limit(cap + 1).count()
    return q.count()


def _history(q, company_id: int | None, text: str, branch_id: int | None = None):
    """``q`` (a select from CertificateVersion) joined to its guarantee and narrowed."""
    q = q.join(Guarantee).where(
        CertificateVersion.superseded == False,
        Guarantee.electronic == True,
    )
    if company_id is not None:
        q = q.where(Guarantee.company == company_id)
    if branch_id is not None:
        q = q.where(Guarantee.branch == branch_id)
    for word in _search_words(text):
        q = q.where(_matches(word, company_id is None))
    return q


def _history_order():
    return (CertificateVersion.issued_at.desc(), CertificateVersion.id.desc())


def history_page(company_id: int | None, text: str, offset: int, limit: int, branch_id: int | None = None):
    p = _plan(company_id, text, True, branch_id)
    if p is not None and p.table is not None:
        from . import search
        from .db import database

        if p.sparse:
            ids = search.version_ids(database.obj, p, offset, limit)
        else:
            ids = search.version_ids_walk(database.obj, p, offset, limit)
        if not ids:
            return []
        q = (
            CertificateVersion.select(CertificateVersion, Guarantee, Orderer)
            .join(Guarantee)
            .join(Orderer)
            .where(CertificateVersion.id.in_(ids))
        )
        rows = {v.id: v for v in q}
        return [rows[i] for i in ids if i in rows]
    ids = (
        _history(CertificateVersion.select(CertificateVersion.id), company_id, text, branch_id)
        .order_by(*_history_order())
        .offset(offset)
        .limit(limit)
    )
    q = (
        CertificateVersion.select(CertificateVersion, Guarantee, Orderer)
        .join(Guarantee)
        .join(Orderer)
        .where(CertificateVersion.id.in_(ids))
        .order_by(*_history_order())
    )
    return list(q)


def history_count(company_id: int | None, text: str, branch_id: int | None = None, cap: int | None = None) -> int:
    p = _plan(company_id, text, True, branch_id)
    if p is not None:
        from . import search
        from .db import database

        n = search.version_count(database.obj, p, cap)
        if n is not None:
            return n
    q = _history(CertificateVersion.select(CertificateVersion.id), company_id, text, branch_id)
    if cap is not None:
        return q.limit(cap + 1).count()
    return q.count()


def visible_versions(guarantee_id: int) -> list[CertificateVersion]:
    """History rows shown on 電子保証概要: not superseded, oldest first."""
    return list(
        CertificateVersion.select()
        .where(CertificateVersion.guarantee == guarantee_id, CertificateVersion.superseded == False)
        .order_by(CertificateVersion.seq)
    )


def last_version_seq(guarantee_id: int) -> int:
    """The highest certificate version seq of a guarantee (0 before the first). The caller holds the
    guarantee's row lock (store.db.locked) or has just created it."""
    last = (
        CertificateVersion.select(fn.MAX(CertificateVersion.seq))
        .where(CertificateVersion.guarantee == guarantee_id)
        .scalar()
    )
    return int(last or 0)


def _max_serial(prefix: str) -> int:
    last = Guarantee.select(fn.MAX(Guarantee.number)).where(Guarantee.number.startswith(prefix + "-")).scalar()
    return -1 if last is None else int(last[6:11])


def next_value(name: str, start: int = 1, count: int = 1) -> int:
    """The next value of a named counter (the first of ``count`` values), taken inside the caller's
    write transaction.

    A row per counter updated in place (UPDATE … SET value = value + n): the row lock serialises
    concurrent writers on PostgreSQL as BEGIN IMMEDIATE does on SQLite, so two transactions never
    get the same value; unique constraints on what the value names are the last guard."""
    from .models import Counter

    bump = Counter.update(value=Counter.value + count).where(Counter.name == name)
    if not bump.execute():
        if Counter.insert(name=name, value=start + count - 1).on_conflict_ignore().as_rowcount().execute():
            return start
        bump.execute()  # another transaction created it first: take the next ones
    return Counter.get(Counter.name == name).value - count + 1


def next_serial(prefix: str, count: int = 1) -> int:
    """The next 保証契約番号 serial (the first of ``count``) for a branch-and-year prefix; numbers
    issued before the counter existed count too."""
    return next_value(f"serial:{prefix}", start=_max_serial(prefix) + 1, count=count)


__all__ = ["JOIN", "TABS"]
