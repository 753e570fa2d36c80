"""Sphinx configuration of the conflictstats documentation.

Build (from the repository root, after ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: the gallery draws on the bundled data and seeded
synthetic data, the notebooks run on the installed package, and intersphinx is
used only with inventories found on disk (see ``INVENTORIES`` below).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

# Notebook kernels inherit this process's environment.  CI exports MPLBACKEND=Agg,
# which would stop the kernels from showing figures inline; this process does not
# need it (sphinx-gallery selects Agg itself).
os.environ.pop("MPLBACKEND", None)

import api_pages  # noqa: E402  (docs/_ext)
import check_links  # noqa: E402  (docs/_ext)

import conflictstats  # noqa: E402

# -- project -----------------------------------------------------------------------

project = "conflictstats"
author = "The conflictstats developers"
copyright = "the conflictstats developers"
release = conflictstats.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx_design",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = [
    "_build", "_ext", "_templates", "**.ipynb_checkpoints", "jupyter_execute",
    "auto_examples/*.ipynb",  # sphinx-gallery's downloads, not pages for myst-nb
]
templates_path = ["_templates"]
default_role = "py:obj"

# -- the API reference: generated from __all__ at every build -----------------------

api_pages.write_api_index(DOCS)
api_pages.remove_stale_stubs(DOCS)
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- intersphinx: only with inventories on disk --------------------------------------
# The build must not touch the network.  No installed package ships the inventories
# of numpy, pandas, statsmodels or matplotlib, so by default intersphinx is off and
# those names render as plain literals.  To link them, put the projects' objects.inv
# files in docs/_inventories/ (numpy.inv, pandas.inv, ...): any present are used,
# read from disk only.

INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "statsmodels": "https://www.statsmodels.org/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
intersphinx_mapping = {
    name: (url, str(DOCS / "_inventories" / f"{name}.inv"))
    for name, url in INVENTORIES.items()
    if (DOCS / "_inventories" / f"{name}.inv").is_file()
}
if intersphinx_mapping:
    extensions.append("sphinx.ext.intersphinx")

# -- gallery: every chart the package draws, built at build time ---------------------


sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "image_scrapers": ("gallery_scraper",),  # docs/_ext/gallery_scraper.py
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "reset_modules": ("matplotlib",),
    "show_memory": False,
    "plot_gallery": "True",
    "first_notebook_cell": None,
    "capture_repr": ("_repr_html_", "__repr__"),
}

# -- notebooks: executed at build time from the committed, output-free files ----------
# The notebooks live in notebooks/ and look for the public data sets at
# ../../shared/data relative to that folder.  docs/notebooks is a link to it (made
# here; git-ignored), so the kernels run in the notebooks' own folder.


def _link_notebooks() -> None:
    link = DOCS / "notebooks"
    if link.is_symlink() or link.exists():
        return
    try:
        link.symlink_to(Path("..") / "notebooks", target_is_directory=True)
    except OSError:  # no symlinks (some Windows setups): copy; real-data parts then skip
        shutil.copytree(ROOT / "notebooks", link)


_link_notebooks()
nb_execution_mode = "force"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist", "substitution"]


def _citation() -> str:
    """A one-line citation made from CITATION.cff, so the page cannot drift from it."""
    import yaml  # a dependency of myst-parser

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}"
                        for a in cff["authors"])
    return f"{authors}. *{cff['title']}*. Version {cff['version']}. {cff['license']} licence."


myst_substitutions = {"citation": _citation()}
myst_heading_anchors = 3

# -- HTML ------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"conflictstats {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
# single pages have no section navigation: no empty left sidebar
html_sidebars = {page: [] for page in ("index", "install", "changelog", "citing")}


# -- checks that fail the build (-W) ---------------------------------------------------


def _check_api_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    missing = api_pages.missing_pages(Path(app.outdir))
    if missing:
        logging.getLogger(__name__).warning(
            "public names without an API page: %s", ", ".join(missing)
        )


def _document_data(app, what, name, obj, options, lines):
    """Docstrings of public constants: the ``#:`` comment where they are defined, and the value.

    A constant re-exported by ``conflictstats`` (``OBSERVATION_COLUMNS``) has its
    ``#:`` comment in the module that defines it, which autodoc does not read, and
    would otherwise show the docstring of ``tuple``.  Long values (the data set
    registry) are summarised instead of printed whole.
    """
    if what != "data":
        return
    if not lines or obj.__doc__ == type(obj).__doc__:
        lines[:] = api_pages.attribute_doc(name) or []
    text = repr(obj)
    if len(text) <= 400:
        lines += ["", "Value: ``" + text + "``"]
    elif hasattr(obj, "__len__"):
        lines += ["", f"A ``{type(obj).__name__}`` of {len(obj)} entries (see the source)."]


def _resolve_by_public_name(app, env, node, contnode):
    """Let ``conflictstats.trends.period_totals`` find the page of ``conflictstats.period_totals``.

    Docstrings may name a function by the module that defines it; its page is under
    the name users import (the package, or a public submodule).
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("conflictstats."):
        return None
    name = target.rpartition(".")[2]
    py = env.get_domain("py")
    for candidate in (f"conflictstats.{name}",
                      *(f"{m}.{name}" for m, *_ in api_pages.SUBMODULES)):
        if candidate != target and candidate in py.objects:
            return py.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                   candidate, node, contnode)
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _document_data)
    app.connect("missing-reference", _resolve_by_public_name)
    app.connect("build-finished", _check_api_pages)
    # every internal href of the built site reaches an existing file and #anchor
    app.connect("build-finished", check_links.report)
