"""The gallery's image scraper: pyplot figures, and the Figures ``weekly_chart`` returns.

``weekly_chart`` returns a :class:`matplotlib.figure.Figure` that is not registered
with pyplot (so it needs no closing), which sphinx-gallery's own matplotlib scraper
cannot see.  This scraper saves the pyplot figures of a code block and any new
Figure bound to a name in the example, so the examples read like user code.
"""

from __future__ import annotations

from typing import Any

_DPI = 110


class FigureScraper:
    """Save every new figure of a gallery code block; return the reST that shows them."""

    def __call__(self, block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
        import matplotlib.pyplot as plt
        from matplotlib.figure import Figure
        from sphinx_gallery.scrapers import figure_rst

        example_globals = block_vars["example_globals"]
        # the saved figures themselves (not their ids, which a new figure could reuse)
        saved = example_globals.setdefault("__conflictstats_saved_figures__", [])
        figures = [plt.figure(num) for num in plt.get_fignums()]
        for value in list(example_globals.values()):
            if (isinstance(value, Figure) and not any(value is f for f in saved)
                    and not any(value is f for f in figures)):
                figures.append(value)
        paths = []
        for fig, path in zip(figures, block_vars["image_path_iterator"], strict=False):
            fig.savefig(path, dpi=_DPI)
            saved.append(fig)
            paths.append(path)
        plt.close("all")
        return figure_rst(paths, gallery_conf["src_dir"])

    def __repr__(self) -> str:  # stable, so Sphinx's config cache does not see a change
        return "FigureScraper()"


def _get_sg_image_scraper() -> FigureScraper:
    return FigureScraper()
