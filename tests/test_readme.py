"""The README's code runs, and it opens with exactly the two commands."""

from __future__ import annotations

import re

from conftest import REPO


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_the_two_commands():
    first_block = re.search(r"```bash\n(.*?)```", _readme(), re.DOTALL)
    assert first_block is not None
    commands = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].endswith("conflictstats weekly")
    assert commands[1].endswith(".venv/bin/pytest")
    assert (REPO / ".ci" / "run").read_text().count(commands[1]) == 1


def test_the_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", _readme(), re.DOTALL)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
