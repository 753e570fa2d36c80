"""The documentation's API reference has a page for every public name.

The reference is generated at build time by ``docs/_ext/api_pages.py`` from
``conflictstats.__all__`` and the ``__all__`` of the public submodules; the build
itself (``python -m sphinx -W ...`` in ``.ci/run``) fails when a page is missing.
These tests check the generator without building the site.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

import conflictstats

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def api_pages():
    spec = importlib.util.spec_from_file_location("api_pages", DOCS / "_ext" / "api_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["api_pages"] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("api_pages", None)


def _documented(index_rst: str) -> list[tuple[str, str]]:
    """(module, name) for every autosummary entry of the generated API index."""
    entries, module, in_table = [], None, False
    for line in index_rst.splitlines():
        if match := re.fullmatch(r"\.\. currentmodule:: (\S+)", line):
            module, in_table = match.group(1), False
        elif line.startswith(".. autosummary::"):
            in_table = True
        elif in_table and re.fullmatch(r"   \w+", line):
            entries.append((module, line.strip()))
    return entries


def test_every_name_in_dunder_all_has_exactly_one_api_entry(api_pages):
    entries = _documented(api_pages.api_index_rst())
    top = sorted(name for module, name in entries if module == "conflictstats")
    assert top == sorted(conflictstats.__all__)


@pytest.mark.parametrize("submodule", ["plotting", "datasets", "sources", "dask"])
def test_every_public_name_of_a_public_submodule_has_an_api_entry(api_pages, submodule):
    module = importlib.import_module(f"conflictstats.{submodule}")
    entries = _documented(api_pages.api_index_rst())
    listed = sorted(name for mod, name in entries if mod == module.__name__)
    assert listed == sorted(module.__all__)


def test_every_documented_function_and_class_has_its_own_docstring(api_pages):
    undocumented = []
    for section in api_pages.api_sections():
        module = importlib.import_module(section.module)
        for name in section.names:
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not obj.__doc__:
                undocumented.append(f"{section.module}.{name}")
    assert undocumented == []


def test_a_built_site_missing_one_page_is_caught(api_pages, tmp_path):
    sections = api_pages.api_sections()
    for section in sections:
        for name in section.names:
            page = tmp_path / "api" / (api_pages.page_name(section, name) + ".html")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text("<html></html>")
    assert api_pages.missing_pages(tmp_path) == []
    first = sections[0]
    (tmp_path / "api" / (api_pages.page_name(first, first.names[0]) + ".html")).unlink()
    assert api_pages.missing_pages(tmp_path) == [f"conflictstats.{first.names[0]}"]


def test_every_public_plotting_name_is_used_in_a_gallery_example():
    from conflictstats import plotting

    examples = "\n".join(p.read_text(encoding="utf-8")
                         for p in sorted((DOCS / "examples").glob("plot_*.py")))
    unused = [name for name in plotting.__all__ if not re.search(rf"\b{name}\b", examples)]
    assert unused == []
