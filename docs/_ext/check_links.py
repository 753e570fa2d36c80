"""Check every internal link of a built HTML site: the file and the ``#anchor`` exist.

Sphinx resolves cross-references when it builds, but not every link goes through
that: the module index, the general index, search results and hand-written
Markdown links are written as plain ``href`` values, and an ``href`` whose
``#anchor`` names no element on its page only fails silently in the browser (the
page opens at the top).  ``conf.py`` runs :func:`broken_links` when an HTML build
finishes and reports each one as a warning, so ``sphinx -W`` fails;
``tests/test_docs_links.py`` checks the checker on a small site.

Only the standard library is used, so the test runs without the ``docs`` extra.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

#: Pages that are not checked: written by the theme or by Sphinx's search from
#: JavaScript, with links filled in in the browser.
SKIPPED_PAGES = frozenset({"search.html"})


class _Page(HTMLParser):
    """The ids (``id=`` and ``<a name=>``) of a page and the hrefs of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a":
            if values.get("name"):
                self.ids.add(str(values["name"]))
            if values.get("href") is not None:
                self.hrefs.append(str(values["href"]))


def _is_internal(href: str) -> bool:
    parts = urlsplit(href)
    return not (parts.scheme or parts.netloc or href.startswith("javascript:"))


def broken_links(outdir: Path | str) -> list[str]:
    """Internal links of the site in ``outdir`` whose file or ``#anchor`` is missing.

    Each entry reads ``"page.html: href (reason)"``, with ``page.html`` relative to
    ``outdir``.  External links (with a scheme such as ``https:`` or ``mailto:``),
    the bare ``#`` that scripts use, and the pages in :data:`SKIPPED_PAGES` are not
    checked.  A link to a file that is not HTML (an image, a download) is checked
    for the file only.
    """
    root = Path(outdir)
    pages: dict[PurePosixPath, _Page] = {}
    for path in sorted(root.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[PurePosixPath(path.relative_to(root).as_posix())] = parser

    broken: list[str] = []
    for page, parsed in pages.items():
        if page.as_posix() in SKIPPED_PAGES:
            continue
        for href in dict.fromkeys(parsed.hrefs):  # each distinct href once per page
            if href in ("", "#") or not _is_internal(href):
                continue
            parts = urlsplit(href)
            anchor = unquote(parts.fragment)
            if parts.path:
                target = _normalise(page.parent / unquote(parts.path))
                if target is None:
                    broken.append(f"{page}: {href} (outside the site)")
                    continue
                if target.suffix == "" or (root / target).is_dir():
                    target = target / "index.html"
            else:
                target = page
            if target not in pages:
                if not (root / target).is_file():
                    broken.append(f"{page}: {href} (no file {target})")
                continue
            if anchor and anchor not in pages[target].ids:
                broken.append(f"{page}: {href} (no id {anchor!r} in {target})")
    return broken


def _normalise(path: PurePosixPath) -> PurePosixPath | None:
    """``a/b/../c.html`` -> ``a/c.html``; None when the path leaves the site."""
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return PurePosixPath(*parts)


def report(app: object, exception: Exception | None) -> None:
    """Sphinx ``build-finished`` handler: one warning per broken internal link."""
    builder = getattr(app, "builder", None)
    if exception is not None or builder is None or builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for entry in broken_links(Path(builder.outdir)):
        logger.warning("broken internal link: %s", entry)
