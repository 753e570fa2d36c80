"""The API reference, generated from the package's own lists of public names.

Nothing here is a hand-written list of functions: the sections come from
``conflictstats.__all__`` (grouped by the module that defines each name) and from
the ``__all__`` of the public submodules (plotting, datasets, sources).  A name
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
    "report": "The weekly report",
    "results": "Result objects",
    "errors": "Errors and warnings",
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
    for name in package.__all__:
        defining = _defining_module(package, name)
        title = TOP_LEVEL_SECTIONS.get(defining) or defining.replace("_", " ").capitalize()
        groups.setdefault(title, []).append(name)
        # a module named like a public function (anomalies, records) gets no target:
        # the function's page owns the name
        if not defining.startswith("_") and defining not in package.__all__:
            modules.setdefault(title, [])
            if f"conflictstats.{defining}" not in modules[title]:
                modules[title].append(f"conflictstats.{defining}")
    known = list(dict.fromkeys(TOP_LEVEL_SECTIONS.values()))
    order = known + [t for t in groups if t not in known]
    sections = [Section(t, "conflictstats", tuple(groups[t]), "", tuple(modules.get(t, ())))
                for t in order if t in groups]
    for module_name, title, intro in SUBMODULES:
        module = importlib.import_module(module_name)
        sections.append(Section(title, module_name, tuple(module.__all__), intro, (module_name,)))
    return sections


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


def api_index_rst() -> str:
    """The text of ``api/index.rst``: one autosummary table per section."""
    lines = [
        ".. This file is generated by docs/_ext/api_pages.py at every build; do not edit.",
        "",
        "API reference",
        "=============",
        "",
        "Every public name has its own page. Names in ``conflictstats.__all__`` are",
        "used as ``cs.<name>`` after ``import conflictstats as cs``; plotting, the",
        "bundled data sets and the readers of public data sets are submodules",
        "(``from conflictstats.plotting import weekly_chart``).",
        "",
        ".. py:module:: conflictstats",
        "",
    ]
    for section in api_sections():
        lines += [section.title, "-" * len(section.title), ""]
        if section.intro:
            lines += [section.intro, ""]
        # targets for :mod:`conflictstats.rates` and the like, then back to the names' module
        lines += [f".. py:module:: {module}" for module in section.defines]
        lines += [
            "",
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


def write_api_index(docs_dir: Path) -> Path:
    """Write ``api/index.rst`` under ``docs_dir`` if its text changed; return its path."""
    path = docs_dir / "api" / "index.rst"
    path.parent.mkdir(exist_ok=True)
    text = api_index_rst()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


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
