"""The search of 保証契約一覧 / 電子保証履歴一覧, quick at a million contracts.

``guarantee.search_text`` holds NFKC + casefold of number, orderer and work name (domain.text.search_key);
a search's words (search_key of the typed text, split on spaces) must all occur in it. A branch (and
the host's administrator) also finds rows by their company's name (``company.search_name``); a
contractor does not, or its own name would match every row of its list.

SQLite: two contentless FTS5 indexes of that text, kept in step by triggers on ``guarantee`` in the
writer's transaction (so every write path, bulk inserts and cascades included):

- ``guarantee_fts``, trigram tokenizer: a word of three or more characters is a phrase of its trigrams.
- ``guarantee_gram``: the text's 1- and 2-character substrings as tokens (``esurety_grams()``, a
  function each connection of the app registers, builds that text; the unicode61 tokenizer keeps
  every character but spaces), detail=none: a word of one or two characters is one token. Trigram
  MATCH finds nothing for such words, and LIKE on the FTS table misses Japanese on SQLite 3.40.

Each row also carries scope tokens (its company, its branch, 電子), three private-use characters
that no text contains, so a company's or branch's search is one index query (no row look-ups).

A search first counts its index hits up to SORT_LIMIT (about a millisecond). Fewer: the hits are
read, checked against the row (scope and LIKE: the index only proposes), sorted by issued_at and
windowed. More: the words are common in the list, and the list's newest-first index is walked with
LIKE, which meets a window's rows after a few thousand entries; the count is then over the cap
(and shown as 「1,000件以上」) without counting further.

PostgreSQL: the list's own query (store/queries.py), its conditions served by two GIN indexes:
pg_trgm's on search_text for words of three or more characters (ILIKE), and for shorter ones
(which have no trigram: pg_trgm would read its whole index) one on ``esurety_grams(search_text)``,
an immutable SQL function giving the text's 1- and 2-character substrings as a text[]; such a word
is ``esurety_grams(search_text) @> ARRAY[word]``. An expression index: nothing to keep in step (every
write, COPY included, updates it in its transaction), nothing stored in the row. Scope stays a
condition on company_id / branch_id: the planner combines it with the gram index (BitmapAnd) for a
rare word, or walks the list's newest-first index with the condition for a common one, from the
array element statistics ANALYZE keeps for the index's expression.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from operator import add
from typing import cast

from peewee import Database, SqliteDatabase

# Up to this many index hits, a search sorts its hits; above it, it walks the list's index.
# Measured at 1,000,000 contracts: sorting costs ~1.5 µs a hit (4.5 ms at 3,000), the walk ~0.4 µs
# a row and meets a window's rows within 50 × rows / hits entries (≤ 17,000 at 3,000 hits).
SORT_LIMIT = 3000
# A word found in more company names than this is not turned into index alternatives (one OR term
# per company); rows are then matched by SQL only.
MAX_COMPANY_ALTERNATIVES = 32

FTS = "guarantee_fts"
GRAM = "guarantee_gram"
GRAM_FUNCTION = "esurety_grams"

# Scope tokens: a kind character and the id in two base-65520 digits, all in Supplementary Private
# Use Area-A (U+F0000…), which neither a name nor a typed word contains (search words are not checked
# for it; every hit is checked against the row's columns anyway).
_PUA = 0xF0000
_BASE = 65520
COMPANY, BRANCH, ELECTRONIC = 1, 2, 3


def scope_token(kind: int, ident: int = 0) -> str:
    return chr(_PUA + kind) + chr(_PUA + ident // _BASE) + chr(_PUA + ident % _BASE)


def _scope_sql(row: str) -> str:
    """The same tokens in SQL, for the triggers and bulk builds (``row``: new, old or a table alias)."""
    return (
        f"char({_PUA + COMPANY}, {_PUA} + {row}.company_id / {_BASE}, {_PUA} + {row}.company_id % {_BASE}) || ' ' || "
        f"char({_PUA + BRANCH}, {_PUA} + {row}.branch_id / {_BASE}, {_PUA} + {row}.branch_id % {_BASE}) || "
        f"CASE WHEN {row}.electronic THEN ' ' || char({_PUA + ELECTRONIC}, {_PUA}, {_PUA}) ELSE '' END"
    )


def grams(text: str | None) -> str:
    """The 1- and 2-character substrings of ``text``, space separated (pairs with a space in them
    tokenize to single characters, already there)."""
    if not text:
        return ""
    return " ".join(text) + " " + " ".join(map(add, text, text[1:]))


def register_functions(db: SqliteDatabase) -> None:
    """Make ``esurety_grams()`` available on every connection of ``db`` (the triggers call it: a
    program without it, such as the sqlite3 shell, cannot write to guarantee, rather than leaving the
    index out of step)."""
    db.register_function(grams, GRAM_FUNCTION, 1, deterministic=True)


def _row_texts(row: str) -> tuple[str, str]:
    scope = _scope_sql(row)
    return f"{row}.search_text || ' ' || {scope}", f"{GRAM_FUNCTION}({row}.search_text) || ' ' || {scope}"


def _sqlite_ddl() -> list[str]:
    new_fts, new_gram = _row_texts("new")
    old_fts, old_gram = _row_texts("old")
    insert = (
        f"INSERT INTO {FTS}(rowid, t) VALUES (new.id, {new_fts}); "
        f"INSERT INTO {GRAM}(rowid, t) VALUES (new.id, {new_gram});"
    )
    delete = (
        f"INSERT INTO {FTS}({FTS}, rowid, t) VALUES ('delete', old.id, {old_fts}); "
        f"INSERT INTO {GRAM}({GRAM}, rowid, t) VALUES ('delete', old.id, {old_gram});"
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in ("search_text", "company_id", "branch_id", "electronic"))
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(t, tokenize='trigram', content='', detail='full')",
        f'CREATE VIRTUAL TABLE IF NOT EXISTS {GRAM} USING fts5(t, tokenize="unicode61 remove_diacritics 0 '
        f"categories 'L* N* C* M* P* S*'\", content='', detail='none')",
        *_trigger_ddl(insert, delete, changed),
    ]


def _trigger_ddl(insert: str, delete: str, changed: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS guarantee_search_insert AFTER INSERT ON guarantee BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS guarantee_search_delete AFTER DELETE ON guarantee BEGIN {delete} END",
        "CREATE TRIGGER IF NOT EXISTS guarantee_search_update AFTER UPDATE OF search_text, company_id, branch_id, "
        f"electronic ON guarantee WHEN {changed} BEGIN {delete} {insert} END",
    ]


TRIGGERS = ("guarantee_search_insert", "guarantee_search_delete", "guarantee_search_update")

PG_INDEX = "guarantee_search_text_trgm"
PG_GRAM_INDEX = "guarantee_search_grams"

# The 1- and 2-character substrings of t as text[] (with a few more: '' and the last character again;
# an index only needs a superset, and a word has neither): the characters, then the pairs at even and
# at odd offsets, each cut by regexp_replace at a separator no text contains (U+F0000, see the scope
# tokens). One expression of built-in functions (inlined by the planner): ~30 µs for a row of 40
# characters on a loaded 2-core machine, a generate_series form 2–8× that. Changing the body of an
# existing database's function needs a REINDEX of PG_GRAM_INDEX (a migration step).
_PG_GRAMS = (
    f"CREATE OR REPLACE FUNCTION {GRAM_FUNCTION}(t text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT string_to_array(t, NULL) "
    f"|| string_to_array(regexp_replace(t, '(..)', '\\1' || chr({_PUA}), 'g'), chr({_PUA})) "
    f"|| string_to_array(regexp_replace(substr(t, 2), '(..)', '\\1' || chr({_PUA}), 'g'), chr({_PUA})) $$"
)


def _install_pg(db: Database) -> None:
    """pg_trgm (in schema public, where a database keeps its extensions: not in a schema of the
    moment that may be dropped) and a GIN index of search_text, which serves LIKE '%word%'. The
    operator class is named with its schema, so the index does not depend on the search_path."""
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema = db.execute_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ).fetchone()[0]
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON guarantee USING gin (search_text {schema}.gin_trgm_ops)")
    install_pg_grams(db)


def install_pg_grams(db: Database) -> None:
    """The function ``esurety_grams(text)`` (in the schema of the tables, beside the index that
    depends on it) and the GIN index of its value for search_text, built from the rows there."""
    db.execute_sql(_PG_GRAMS)
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {PG_GRAM_INDEX} ON guarantee USING gin ({GRAM_FUNCTION}(search_text))")


def pg_contains(column, word: str):
    """``word`` (one or two characters) in ``column`` (search_text) on PostgreSQL, as the gram index
    answers it: the same rows as LIKE '%word%' (every 1- and 2-character substring is in the array)."""
    from peewee import Cast, Expression, Value, fn

    return Expression(getattr(fn, GRAM_FUNCTION)(column), "@>", Cast(Value([word], unpack=False), "text[]"))


def install(db: Database) -> None:
    """Create the search indexes (and triggers) if missing, and fill them from the table. Run inside
    the caller's transaction (a migration step, or the schema of a new database)."""
    if isinstance(db, SqliteDatabase):
        _ensure_function(db)
        for sql in _sqlite_ddl():
            db.execute_sql(sql)
        rebuild(db)
    else:
        _install_pg(db)


def _ensure_function(db: SqliteDatabase) -> None:
    if GRAM_FUNCTION not in db._functions:  # type: ignore[attr-defined]  # peewee's registry
        register_functions(db)
    db.connection().create_function(GRAM_FUNCTION, 1, grams, deterministic=True)


def rebuild(db: Database) -> None:
    """Fill both indexes anew from the guarantee table: the fastest way after a bulk load (see
    ``bulk_load``), and how a migration fills them on an existing database. Companies a bulk load
    inserted without ``search_name`` get it (any database)."""
    from ..domain.text import search_key
    from .models import Company

    rows = Company.select(Company.id, Company.name).where(Company.search_name.is_null()).tuples()
    for company_id, name in cast("list[tuple[int, str]]", list(rows)):  # peewee types .tuples() rows as models
        Company.update(search_name=search_key(name)).where(Company.id == company_id).execute()
    if not isinstance(db, SqliteDatabase):
        return
    _ensure_function(db)
    fts, gram = _row_texts("g")
    db.execute_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')")
    db.execute_sql(f"INSERT INTO {GRAM}({GRAM}) VALUES ('delete-all')")
    db.execute_sql(f"INSERT INTO {FTS}(rowid, t) SELECT g.id, {fts} FROM guarantee AS g")
    db.execute_sql(f"INSERT INTO {GRAM}(rowid, t) SELECT g.id, {gram} FROM guarantee AS g")


rebuild_search_index = rebuild  # the name benchmarks/_dataset.py looks for after its own bulk load


class bulk_load:
    """``with bulk_load(db): insert many guarantees`` (inside one transaction): the triggers are set
    aside while the rows go in, and the indexes are rebuilt once at the end (1,000,000 rows: about
    twice as fast as indexing each row as it is inserted). SQLite only; elsewhere nothing is done."""

    def __init__(self, db: Database) -> None:
        self.db = db if isinstance(db, SqliteDatabase) else None

    def __enter__(self) -> None:
        if self.db is not None:
            for name in TRIGGERS:
                self.db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")

    def __exit__(self, exc_type, *rest: object) -> None:
        if self.db is not None and exc_type is None:
            rebuild(self.db)
            for sql in _sqlite_ddl()[2:]:
                self.db.execute_sql(sql)


# ---------------------------------------------------------------------------------------------------
# Queries


def _quote(text: str) -> str:
    """An FTS5 string (a phrase for trigram, one token for the gram index)."""
    return '"' + text.replace('"', '""') + '"'


def like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Scope:
    """Whose list: a company's, a branch's (None: not limited), the 電子 rows only."""

    def __init__(self, company_id: int | None, branch_id: int | None, electronic: bool) -> None:
        self.company_id, self.branch_id, self.electronic = company_id, branch_id, electronic

    def tokens(self) -> list[str]:
        out = []
        if self.company_id is not None:
            out.append(_quote(scope_token(COMPANY, self.company_id)))
        if self.branch_id is not None:
            out.append(_quote(scope_token(BRANCH, self.branch_id)))
        if self.electronic:
            out.append(_quote(scope_token(ELECTRONIC)))
        return out

    def sql(self) -> tuple[str, list]:
        where, params = [], []
        if self.company_id is not None:
            where.append("g.company_id = ?")
            params.append(self.company_id)
        if self.branch_id is not None:
            where.append("g.branch_id = ?")
            params.append(self.branch_id)
        if self.electronic:
            where.append("g.electronic = 1")
        return " AND ".join(where) or "1", params


class Plan:
    """How one search is answered on SQLite: the index that proposes rows (``table``, ``match``),
    how many hits it has up to SORT_LIMIT + 1 (``hits``), and the SQL check every row must pass."""

    def __init__(self, scope: Scope, words: list[str]) -> None:
        self.scope, self.words = scope, words
        self.alternatives: dict[str, list[int]] = {}  # word -> the companies whose name contains it
        self.table: str | None = None
        self.match = ""
        self.hits = 0
        self.exact = False  # the index expresses the whole condition: its count is the answer
        self.candidates: str | None = None  # a sparse plan's hits (a JSON array)

    @property
    def sparse(self) -> bool:
        return self.table is not None and self.hits <= SORT_LIMIT

    def check_sql(self) -> tuple[str, list]:
        """Scope and words as SQL over ``g`` (guarantee)."""
        sql, params = self.scope.sql()
        parts = [sql]
        for word in self.words:
            pattern = like_pattern(word)
            if word not in self.alternatives:
                parts.append("g.search_text LIKE ? ESCAPE '\\'")
                params.append(pattern)
            else:
                parts.append(
                    "(g.search_text LIKE ? ESCAPE '\\' OR g.company_id IN "
                    "(SELECT id FROM company WHERE search_name LIKE ? ESCAPE '\\'))"
                )
                params += [pattern, pattern]
        return " AND ".join(parts), params


def company_matches(word: str) -> list[int]:
    """Companies whose name contains ``word`` (at most MAX_COMPANY_ALTERNATIVES + 1 of them)."""
    from .models import Company

    rows = Company.select(Company.id).where(Company.search_name.contains(word)).limit(MAX_COMPANY_ALTERNATIVES + 1)
    return [cid for (cid,) in cast("list[tuple[int]]", list(rows.tuples()))]


_recent = threading.local()  # per thread (a connection per thread): the last plans made there


def plan(db: Database, words: Sequence[str], scope: Scope, *, by_company: bool) -> Plan:
    """The plan for ``words`` in ``scope`` (SQLite). A list asks for the count and then the window of
    the same search: the second call reuses the plan while the database is unchanged (no commit by
    another connection, PRAGMA data_version; no change by this one, total_changes)."""
    conn = db.connection()
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    key = (
        tuple(words),
        scope.company_id,
        scope.branch_id,
        scope.electronic,
        by_company,
        id(conn),
        version,
        conn.total_changes,
    )
    cache = getattr(_recent, "plans", None)
    if cache is None:
        cache = _recent.plans = {}
    found = cache.get(key)
    if found is None:
        found = _plan(db, words, scope, by_company=by_company)
        if len(cache) >= 8:
            cache.clear()
        cache[key] = found
    return found


def _plan(db: Database, words: Sequence[str], scope: Scope, *, by_company: bool) -> Plan:
    p = Plan(scope, list(words))
    clauses: dict[str, list[str]] = {FTS: [], GRAM: []}
    unindexed = 0
    for word in words:
        table = FTS if len(word) >= 3 else GRAM
        alternatives: list[int] = company_matches(word) if by_company else []
        if alternatives:
            p.alternatives[word] = alternatives
        if len(alternatives) > MAX_COMPANY_ALTERNATIVES:
            unindexed += 1
            continue
        terms = [_quote(word)] + [_quote(scope_token(COMPANY, c)) for c in alternatives]
        clauses[table].append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    best: tuple[int, str, str, list] | None = None
    for table, parts in clauses.items():
        if not parts:
            continue
        match = " AND ".join(parts + scope.tokens())
        # The hits themselves (up to SORT_LIMIT + 1): when there are no more, they are the candidates.
        rows = db.execute_sql(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?", (match, SORT_LIMIT + 1)
        ).fetchall()
        if best is None or len(rows) < best[0]:
            best = (len(rows), table, match, rows)
    if best is not None:
        p.hits, p.table, p.match, rows = best
        p.exact = unindexed == 0 and sum(1 for parts in clauses.values() if parts) == 1
        if p.sparse:
            p.candidates = "[" + ",".join(str(r[0]) for r in rows) + "]"
    return p


def count_hits(db: Database, table: str, match: str, limit: int | None) -> int:
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
    if limit is None:
        return db.execute_sql(f"SELECT count(*) FROM ({sql})", (match,)).fetchone()[0]
    return db.execute_sql(f"SELECT count(*) FROM ({sql} LIMIT ?)", (match, limit)).fetchone()[0]


def _candidates(db: Database, p: Plan) -> str:
    """The hits of a sparse plan, as a JSON array for json_each."""
    assert p.table is not None
    if p.candidates is None:
        rows = db.execute_sql(f"SELECT rowid FROM {p.table} WHERE {p.table} MATCH ?", (p.match,)).fetchall()
        p.candidates = "[" + ",".join(str(r[0]) for r in rows) + "]"
    return p.candidates


def guarantee_ids(db: Database, p: Plan, offset: int, limit: int) -> list[int]:
    """A window of a sparse plan: its hits checked, newest first."""
    check, params = p.check_sql()
    sql = (
        f"SELECT g.id FROM json_each(?) AS c CROSS JOIN guarantee AS g ON g.id = c.value WHERE {check} "
        "ORDER BY g.issued_at DESC, g.id DESC LIMIT ? OFFSET ?"
    )
    return [r[0] for r in db.execute_sql(sql, [_candidates(db, p), *params, limit, offset]).fetchall()]


def guarantee_count(db: Database, p: Plan, cap: int | None) -> int | None:
    """The count by the index, or None when the list's own query must count (no index applies)."""
    if p.table is None:
        return None
    limit = None if cap is None else cap + 1
    if p.exact:
        if p.hits <= SORT_LIMIT or (limit is not None and limit <= SORT_LIMIT):
            return p.hits if limit is None else min(p.hits, limit)
        return count_hits(db, p.table, p.match, limit)
    check, params = p.check_sql()
    sql = (
        f"SELECT 1 FROM {p.table} CROSS JOIN guarantee AS g ON g.id = {p.table}.rowid "
        f"WHERE {p.table} MATCH ? AND {check}"
    )
    args = [p.match, *params]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return db.execute_sql(f"SELECT count(*) FROM ({sql})", args).fetchone()[0]


def version_ids(db: Database, p: Plan, offset: int, limit: int) -> list[int]:
    """A window of 電子保証履歴一覧 for a sparse plan: the visible versions of its hits, newest first."""
    check, params = p.check_sql()
    sql = (
        "SELECT v.id FROM json_each(?) AS c CROSS JOIN guarantee AS g ON g.id = c.value "
        f"CROSS JOIN certificate_version AS v ON v.guarantee_id = g.id WHERE v.superseded = 0 AND {check} "
        "ORDER BY v.issued_at DESC, v.id DESC LIMIT ? OFFSET ?"
    )
    return [r[0] for r in db.execute_sql(sql, [_candidates(db, p), *params, limit, offset]).fetchall()]


def version_ids_walk(db: Database, p: Plan, offset: int, limit: int) -> list[int]:
    """A window of 電子保証履歴一覧 for a plan with many hits: the versions' own newest-first index
    walked, each joined to its guarantee and checked. (Left to itself the planner reads every
    electronic guarantee of the company and sorts their versions.) The walk is bounded: at least
    SORT_LIMIT guarantees in scope match, so a window's rows come within about 50 × versions /
    SORT_LIMIT entries."""
    check, params = p.check_sql()
    sql = (
        "SELECT v.id FROM certificate_version AS v CROSS JOIN guarantee AS g ON g.id = v.guarantee_id "
        f"WHERE v.superseded = 0 AND {check} ORDER BY v.issued_at DESC, v.id DESC LIMIT ? OFFSET ?"
    )
    return [r[0] for r in db.execute_sql(sql, [*params, limit, offset]).fetchall()]


def version_count(db: Database, p: Plan, cap: int | None) -> int | None:
    """The history count by the index, or None (the list's own query counts). Every guarantee keeps
    at least one visible version, so more matching guarantees than the cap means a count over it."""
    if p.table is None:
        return None
    if p.exact and cap is not None and p.hits > cap:
        return cap + 1
    if not p.sparse:
        return None
    check, params = p.check_sql()
    sql = (
        "SELECT 1 FROM json_each(?) AS c CROSS JOIN guarantee AS g ON g.id = c.value "
        f"CROSS JOIN certificate_version AS v ON v.guarantee_id = g.id WHERE v.superseded = 0 AND {check}"
    )
    args = [_candidates(db, p), *params]
    if cap is not None:
        sql += " LIMIT ?"
        args.append(cap + 1)
    return db.execute_sql(f"SELECT count(*) FROM ({sql})", args).fetchone()[0]
