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


def _reference(api_pages) -> str:
    """The text of every generated page of the API reference (index and topic pages)."""
    return "\n".join(api_pages.api_rst_files().values())


def test_every_name_in_dunder_all_has_exactly_one_api_entry(api_pages):
    entries = _documented(_reference(api_pages))
    top = sorted(name for module, name in entries if module == "conflictstats")
    assert top == sorted(conflictstats.__all__)


@pytest.mark.parametrize("submodule", ["plotting", "datasets", "sources", "dask"])
def test_every_public_name_of_a_public_submodule_has_an_api_entry(api_pages, submodule):
    module = importlib.import_module(f"conflictstats.{submodule}")
    entries = _documented(_reference(api_pages))
    listed = sorted(name for mod, name in entries if mod == module.__name__)
    assert listed == sorted(module.__all__)


def test_the_api_index_lists_every_topic_page_once_in_sidebar_order(api_pages):
    files = api_pages.api_rst_files()
    listed = re.findall(r"^   .+ <(\w+)>$", files["index.rst"], flags=re.MULTILINE)
    assert listed == [slug for slug, _, _ in api_pages.api_topics()]
    assert sorted(f"{slug}.rst" for slug in listed) == sorted(set(files) - {"index.rst"})
    # the topics the docs promise, in that order
    assert listed[:12] == ["observations", "quantities", "rates", "trends", "anomalies",
                           "records", "reconcile", "plotting", "sources", "report", "dask",
                           "results"]


def test_each_section_sits_on_one_topic_page_under_its_module_target(api_pages):
    files = api_pages.api_rst_files()
    for section in api_pages.api_sections():
        page = files[f"{section.topic}.rst"]
        for module in section.defines:
            pages = [name for name, text in files.items()
                     if f".. py:module:: {module}\n" in text]
            assert pages == [f"{section.topic}.rst"], module
            # the target precedes the intro and the table, so the anchor reaches the HTML
            target = page.index(f".. py:module:: {module}\n")
            assert target < page.index(f".. currentmodule:: {section.module}", target)
            if section.intro:
                assert target < page.index(section.intro)


def test_a_topic_page_no_longer_generated_is_removed_but_a_hand_written_page_is_kept(
        api_pages, tmp_path):
    (tmp_path / "api").mkdir()
    stale = tmp_path / "api" / "old_topic.rst"
    stale.write_text(api_pages.api_topic_rst("Old", []), encoding="utf-8")
    hand = tmp_path / "api" / "notes.rst"
    hand.write_text("Notes\n=====\n", encoding="utf-8")
    api_pages.write_api_index(tmp_path)
    assert not stale.exists() and hand.exists()
    assert (tmp_path / "api" / "plotting.rst").is_file()


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
