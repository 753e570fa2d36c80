"""The link check run over the built HTML site (``docs/_ext/check_links.py``).

``conf.py`` runs it when an HTML build finishes and turns each broken internal
link into a warning, which fails the ``sphinx -W`` build in CI.  These tests
check the checker on a small hand-written site.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def check_links():
    spec = importlib.util.spec_from_file_location("check_links", DOCS / "_ext" / "check_links.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_a_site_whose_links_all_resolve_has_no_broken_link(check_links, tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="api/index.html#module-conflictstats.plotting">p</a>'
                      '<a href="#top">top</a><span id="top"></span>'
                      '<a href="https://example.org/x.html#nowhere">out</a>'
                      '<a href="mailto:someone@example.org">mail</a><a href="#">js</a>',
        "api/index.html": '<section id="module-conflictstats.plotting"></section>'
                          '<a href="../index.html">up</a><a href="../_images/a.png">img</a>'
                          '<a href="generated/f.html#conflictstats.f">f</a>',
        "api/generated/f.html": '<dt id="conflictstats.f"></dt><a name="old"></a>'
                                '<a href="f.html#old">self</a><a href="../../">root</a>',
        "_images/a.png": "",
    })
    assert check_links.broken_links(site) == []


def test_a_missing_anchor_a_missing_file_and_a_link_out_of_the_site_are_reported(
        check_links, tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="api/index.html#module-conflictstats.dask">d</a>'
                      '<a href="api/gone.html">g</a><a href="#nothing">n</a>'
                      '<a href="../outside.html">o</a>',
        "api/index.html": '<section id="module-conflictstats"></section>',
    })
    assert check_links.broken_links(site) == [
        "index.html: api/index.html#module-conflictstats.dask "
        "(no id 'module-conflictstats.dask' in api/index.html)",
        "index.html: api/gone.html (no file api/gone.html)",
        "index.html: #nothing (no id 'nothing' in index.html)",
        "index.html: ../outside.html (outside the site)",
    ]


def test_a_percent_encoded_anchor_is_matched_to_its_decoded_id(check_links, tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="#a%20b">ok</a><a href="#a%20c">bad</a><p id="a b"></p>',
    })
    assert check_links.broken_links(site) == ["index.html: #a%20c (no id 'a c' in index.html)"]
