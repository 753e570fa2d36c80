"""Shared fixtures: where the public datasets live, and a non-interactive backend."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
#: The public datasets are read in place, never copied into the repository.
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """Path of a file under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"public dataset not available at {path} (it sits beside the repository in CI; "
            "a plain clone does not have it)"
        )
    return path


@pytest.fixture
def shared_data():
    """Function returning a path under ../shared/data, skipping when it is absent."""
    return shared_file


def load_public(path, *, reader):
    """A public file's observations without the rows its declaration refuses (as the
    report reads it; ``load_dataset`` would warn about them, see test_plausibility)."""
    from conflictstats.datasets import screen_dataset

    return screen_dataset(path, reader=reader).observations
