import pathlib
import subprocess
import sys

from esurety_tui.domain.fields import (
    ADVANCE_FIELDS,
    CONTRACT_FIELDS,
    DEFAULTS,
    FIELD_BY_KEY,
    FIELDS,
    SECTIONS,
    Kind,
    choice_label,
    fields_of,
)


def test_catalogue_is_consistent():
    assert len(FIELD_BY_KEY) == len(FIELDS)
    assert ADVANCE_FIELDS <= FIELD_BY_KEY.keys() and CONTRACT_FIELDS <= FIELD_BY_KEY.keys()
    assert {f.section for f in FIELDS} == {s[0] for s in SECTIONS}
    assert sum(len(fields_of(s[0])) for s in SECTIONS) == len(FIELDS)
    for key, value in DEFAULTS.items():
        f = FIELD_BY_KEY[key]
        assert f.kind is Kind.FLAG or value in dict(f.choices), key
    for f in FIELDS:
        assert (f.kind is Kind.CHOICE) == bool(f.choices), f.key


def test_choice_label():
    assert choice_label("advance_form", "electronic") == "電子保証(認証キーを含む)"
    assert choice_label("work_kind", "service") == "測量・設計等の業務委託"


def test_domain_imports_without_textual():
    code = (
        "import sys; import esurety_tui.domain.rules, esurety_tui.domain.auth_key, "
        "esurety_tui.domain.contract_number; assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=pathlib.Path(__file__).parent.parent)
