"""The package surface: exports resolve, the import is fast, typing marker shipped."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import pandas as pd
import pytest

import conflictstats as cs


def test_every_exported_name_resolves():
    for name in cs.__all__:
        assert getattr(cs, name) is not None, name


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = cs.nope


def test_package_ships_the_typing_marker():
    assert resources.files("conflictstats").joinpath("py.typed").is_file()


def test_import_does_not_load_heavy_libraries():
    code = (
        "import sys, conflictstats;"
        "heavy = [m for m in ('statsmodels', 'matplotlib', 'pint', 'scipy.stats',"
        " 'currency_converter') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_functions_named_like_their_modules_stay_functions():
    import conflictstats.anomalies
    import conflictstats.records  # noqa: F401

    assert callable(cs.records) and cs.records.__name__ == "records"
    assert cs.anomalies.__name__ == "anomalies"


def test_every_error_class_is_a_conflictstats_error_and_a_builtin():
    import conflictstats.errors as errors

    builtins = (ValueError, TypeError, KeyError)
    for name in errors.__all__:
        cls = getattr(errors, name)
        if issubclass(cls, Warning):
            continue
        assert issubclass(cls, cs.ConflictStatsError), name
        if cls is not cs.ConflictStatsError:
            assert issubclass(cls, builtins), f"{name} subclasses no builtin error"


def test_bad_arguments_raise_conflictstats_errors_that_old_code_still_catches():
    with pytest.raises(cs.InputError, match="alpha") as info:
        cs.rate(3, 10, alpha=2)
    assert isinstance(info.value, ValueError)
    with pytest.raises(cs.ConflictStatsError):
        cs.read_observations(pd.DataFrame({"metric": ["x"], "value": [-3], "unit": "count",
                                           "kind": "flow", "start": "2024-01-01",
                                           "end": "2024-01-01"}))
