"""The README opens with the two set-up commands, and .ci/run runs exactly the test one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    assert block, "README has no sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_install_and_test_commands():
    first, second = _readme_commands()[:2]
    assert first == "pip install . && esurety"
    assert second == "pip install '.[test]' && pytest"


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert _readme_commands()[1] in commands
    assert "python3 -m venv" in ci  # a fresh virtual environment


def test_readme_shows_every_screenshot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shots = sorted(p.name for p in (ROOT / "screenshots").glob("*.svg"))
    assert len(shots) >= 12
    shown = set(re.findall(r"\]\(screenshots/([\w.]+\.svg)\)", readme))
    assert set(shots) - shown == set(), "screenshots not in the README"
    assert shown - set(shots) == set(), "README shows screenshots that do not exist"
