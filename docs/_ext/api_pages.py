"""The API reference, generated from the package's own lists of public names.

Nothing here is a hand-written list of functions: the sections come from
``conflictstats.__all__`` (grouped by the module that defines each name) and from
the ``__all__`` of the public submodules (plotting, datasets, sources, dask), and
the sections are gathered on one page per topic (:data:`TOPICS`), which is what the
sidebar lists.  A name
added to ``__all__`` gets its page at the next build; a built site missing a page
fails the build (``conf.py`` checks :func:`missing_pages` when the build finishes),
and ``tests/test_docs_api.py`` checks the generated index against ``__all__``.

Only :func:`attribute_doc` imports Sphinx (inside the function), so the test runs
without the ``docs`` extra.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

#: Order and titles of the sections of top-level names, by defining module.
#: A module missing here still gets a section (titled by its name), at the end.
TOP_LEVEL_SECTIONS: dict[str, str] = {
    "observations": "Observations: the table of reported figures",
    "quantities": "Quantities, units and currencies",
    "calendar": "The war calendar",
    "daily": "Daily series",
    "rates": "Rates, shares and pace",
    "trends": "Period totals, rolling windows and trends",
    "anomalies": "Anomalies and change points",
    "records": "Records and claims",
    "claims": "Records and claims",
    "reconcile": "Reconciling two sources",
    "report": "The weekly report",
    "results": "Result objects",
    "errors": "Errors and warnings",
}

#: The pages of the API reference, in order: (slug, title).  Each page is
#: ``api/<slug>.rst`` and holds the sections whose module :data:`MODULE_TOPICS` maps
#: to it, so the sidebar lists topics, each opening onto its names.
TOPICS: tuple[tuple[str, str], ...] = (
    ("observations", "Observations and daily series"),
    ("quantities", "Quantities, units and currencies"),
    ("rates", "Rates, shares and pace"),
    ("trends", "Period totals, rolling windows and trends"),
    ("anomalies", "Anomalies and change points"),
    ("records", "Records and claims"),
    ("reconcile", "Reconciling two sources"),
    ("plotting", "Plotting"),
    ("sources", "Data sets and their readers"),
    ("report", "The weekly report"),
    ("dask", "Dask: panels beyond one machine"),
    ("results", "Result objects, errors and warnings"),
)

#: The topic page of each defining module (top-level names) or public submodule.
#: A module missing here gets a page of its own, at the end.
MODULE_TOPICS: dict[str, str] = {
    "observations": "observations", "calendar": "observations", "daily": "observations",
    "quantities": "quantities", "rates": "rates", "trends": "trends",
    "anomalies": "anomalies", "records": "records", "claims": "records",
    "reconcile": "reconcile", "plotting": "plotting", "datasets": "sources",
    "sources": "sources", "report": "report", "dask": "dask",
    "results": "results", "errors": "results",
}

#: Public submodules documented under their own name: (module, title, intro).
SUBMODULES: tuple[tuple[str, str, str], ...] = (
    ("conflictstats.plotting", "Plotting",
     "Axes-level helpers that take ``ax=`` and return the Axes, and the figure-level "
     ":func:`~conflictstats.plotting.weekly_chart`. See the :doc:`gallery "
     "<../auto_examples/index>` for a picture of each."),
    ("conflictstats.datasets", "Bundled data sets",
     "The seed article's figures and the seeded synthetic demonstration campaign."),
    ("conflictstats.sources", "Readers for public data sets",
     "Each reader returns the observation table; each ``screen_*`` twin accounts for "
     "every input row."),
    ("conflictstats.dask", "Dask: panels beyond one machine",
     "The per-series functions on Dask DataFrames in long form (``pip install "
     "\"conflictstats[dask]\"``); ``import conflictstats`` never imports Dask."),
)


@dataclass(frozen=True)
class Section:
    """One heading of the API reference and the public names under it."""

    title: str
    module: str  # the module the names are documented under
    names: tuple[str, ...]
    intro: str = ""
    defines: tuple[str, ...] = ()  # modules whose :mod: references land on this section
    topic: str = ""  # the slug of its page (see TOPICS)


def _defining_module(package: object, name: str) -> str:
    exports = getattr(package, "_EXPORTS", {})
    if name in exports:
        return str(exports[name])
    obj = getattr(package, name)
    module = getattr(obj, "__module__", None) or "conflictstats"
    return module.rsplit(".", 1)[-1]


def api_sections() -> list[Section]:
    """The sections of the API reference, from the ``__all__`` lists at import time."""
    package = importlib.import_module("conflictstats")
    groups: dict[str, list[str]] = {}
    modules: dict[str, list[str]] = {}
    topics: dict[str, str] = {}
    for name in package.__all__:
        defining = _defining_module(package, name)
        title = TOP_LEVEL_SECTIONS.get(defining) or defining.replace("_", " ").capitalize()
        groups.setdefault(title, []).append(name)
        topics.setdefault(title, MODULE_TOPICS.get(defining, defining.strip("_")))
        # a module named like a public function (anomalies, records) gets no target:
        # the function's page owns the name
        if not defining.startswith("_") and defining not in package.__all__:
            modules.setdefault(title, [])
            if f"conflictstats.{defining}" not in modules[title]:
                modules[title].append(f"conflictstats.{defining}")
    known = list(dict.fromkeys(TOP_LEVEL_SECTIONS.values()))
    order = known + [t for t in groups if t not in known]
    sections = [Section(t, "conflictstats", tuple(groups[t]), "", tuple(modules.get(t, ())),
                        topics[t])
                for t in order if t in groups]
    for module_name, title, intro in SUBMODULES:
        module = importlib.import_module(module_name)
        short = module_name.rpartition(".")[2]
        sections.append(Section(title, module_name, tuple(module.__all__), intro, (module_name,),
                                MODULE_TOPICS.get(short, short)))
    return sections


def api_topics() -> list[tuple[str, str, list[Section]]]:
    """The pages of the API reference: (slug, title, sections), in sidebar order."""
    by_topic: dict[str, list[Section]] = {}
    for section in api_sections():
        by_topic.setdefault(section.topic, []).append(section)
    titles = dict(TOPICS)
    order = [slug for slug, _ in TOPICS] + [t for t in by_topic if t not in titles]
    return [(slug, titles.get(slug) or by_topic[slug][0].title, by_topic[slug])
            for slug in order if slug in by_topic]


def attribute_doc(fullname: str) -> list[str] | None:
    """The ``#:`` comment of a public constant, read where it is defined.

    ``fullname`` is the documented name (``conflictstats.OBSERVATION_COLUMNS``);
    for a top-level name the defining module comes from ``conflictstats._EXPORTS``.
    """
    from sphinx.pycode import ModuleAnalyzer

    module, _, name = fullname.rpartition(".")
    package = importlib.import_module("conflictstats")
    candidates = [module]
    if module == "conflictstats":
        candidates.insert(0, f"conflictstats.{_defining_module(package, name)}")
    for candidate in candidates:
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except Exception:
            continue
        if ("", name) in docs:
            return list(docs[("", name)])
    return None


def page_name(section: Section, name: str) -> str:
    """The document name (without suffix) of a public name's page, under ``api/``."""
    return f"generated/{section.module}.{name}"


_GENERATED = ".. This file is generated by docs/_ext/api_pages.py at every build; do not edit."


def api_index_rst() -> str:
    """The text of ``api/index.rst``: the introduction and the table of topic pages."""
    lines = [
        _GENERATED,
        "",
        "API reference",
        "=============",
        "",
        ".. py:module:: conflictstats",
        "",
        "Every public name has its own page. Names in ``conflictstats.__all__`` are",
        "used as ``cs.<name>`` after ``import conflictstats as cs``; plotting, the",
        "bundled data sets and the readers of public data sets are submodules",
        "(``from conflictstats.plotting import weekly_chart``). The names are grouped",
        "by topic:",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    lines += [f"   {title} <{slug}>" for slug, title, _ in api_topics()]
    lines.append("")
    return "\n".join(lines)


def api_topic_rst(title: str, sections: list[Section]) -> str:
    """The text of one topic page: one autosummary table per section.

    A topic with one section puts its table right under the page title; with
    several, each section is a heading of its own.
    """
    lines = [_GENERATED, "", title, "=" * len(title), ""]
    for section in sections:
        if len(sections) > 1:
            lines += [section.title, "-" * len(section.title), ""]
        # targets for :mod:`conflictstats.rates` and the like, right under the title:
        # a target between the intro and the table would pass its id to the table,
        # whose id the theme drops (the anchor would not exist in the HTML)
        lines += [f".. py:module:: {module}" for module in section.defines]
        lines += [""]
        if section.intro:
            lines += [section.intro, ""]
        lines += [
            f".. currentmodule:: {section.module}",
            "",
            ".. autosummary::",
            "   :toctree: generated/",
            "   :nosignatures:",
            "",
        ]
        lines += [f"   {name}" for name in section.names]
        lines.append("")
    return "\n".join(lines)


def api_rst_files() -> dict[str, str]:
    """Every generated page of the API reference: path under ``api/`` -> text."""
    files = {"index.rst": api_index_rst()}
    for slug, title, sections in api_topics():
        files[f"{slug}.rst"] = api_topic_rst(title, sections)
    return files


def write_api_index(docs_dir: Path) -> Path:
    """Write ``api/index.rst`` and the topic pages under ``docs_dir`` where their text
    changed, remove topic pages no longer generated; return the index's path."""
    folder = docs_dir / "api"
    folder.mkdir(exist_ok=True)
    files = api_rst_files()
    for name, text in files.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for path in folder.glob("*.rst"):
        if path.name not in files and path.read_text(encoding="utf-8").startswith(_GENERATED):
            path.unlink()
    return folder / "index.rst"


def remove_stale_stubs(docs_dir: Path) -> list[Path]:
    """Delete generated API stubs of names no longer public (a rename would orphan them)."""
    wanted = {Path(page_name(s, n)).name for s in api_sections() for n in s.names}
    stale = [p for p in (docs_dir / "api" / "generated").glob("*.rst") if p.stem not in wanted]
    for path in stale:
        path.unlink()
    return stale


def missing_pages(outdir: Path, suffix: str = ".html") -> list[str]:
    """Public names whose page is absent from a built site in ``outdir``."""
    missing = []
    for section in api_sections():
        for name in section.names:
            if not (outdir / "api" / (page_name(section, name) + suffix)).is_file():
                missing.append(f"{section.module}.{name}")
    return missing
