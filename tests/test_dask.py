"""Tests of conflictstats.dask: the same results as pandas, computed on a local cluster.

The reference for every function is the pandas function itself on the whole
frame with ``by=`` (put in long form by ``conflictstats.dask.to_long``); the Dask
result is computed on a ``dask.distributed.LocalCluster`` of two worker
processes, so that every partition crosses a process boundary (pickling of the
per-partition function, the shuffle) as it would on a real cluster.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import conflictstats as cs

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
csd = pytest.importorskip("conflictstats.dask")

BY = ["region", "model"]
N_REGIONS, N_MODELS, N_DAYS = 40, 8, 120  # 320 series


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each; started once for the module."""
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=":0", scheduler_port=0,
                                       silence_logs=50)
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def panel():
    """320 seeded series of daily counts, a third with a level shift halfway."""
    rng = np.random.default_rng(14)
    dates = pd.date_range("2024-01-01", periods=N_DAYS, name="date")
    parts = []
    for r in range(N_REGIONS):
        for m in range(N_MODELS):
            lam = np.full(N_DAYS, 10.0 + r % 7)
            if (r + m) % 3 == 0:
                lam[N_DAYS // 2:] *= 3  # a change for changepoints to find
            parts.append(pd.DataFrame({"region": f"r{r:02d}", "model": f"m{m}",
                                       "value": rng.poisson(lam).astype(float)}, index=dates))
    return pd.concat(parts)


def _sorted(frame):
    keys = [c for c in (*BY, "metric", "date", "scope") if c in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _same(got, ref):
    got, ref = _sorted(got), _sorted(ref)
    assert list(got.columns) == list(ref.columns)
    assert len(got) == len(ref)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, check_exact=False, rtol=1e-12)


CASES = {
    "anomalies": {},
    "changepoints": {},
    "mann_kendall": {},
    "records": {"kind": "flow", "scope": "month"},
    "highest_since": {},
    "lowest_since": {},
    "period_totals": {"freq": "W-SUN", "kind": "flow"},
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_function_on_the_cluster_equals_pandas_on_320_series(client, panel, name):
    kw = CASES[name]
    ref = csd.to_long(getattr(cs, name)(panel, by=BY, value="value", **kw), BY,
                      name="since" if name.endswith("_since") else "value")
    ddf = dd.from_pandas(panel, npartitions=4)
    got = getattr(csd, name)(ddf, by=BY, value="value", **kw)
    assert isinstance(got, dd.DataFrame)
    _same(got.compute(), ref)
    if name == "changepoints":  # the comparison is not vacuous
        assert len(ref) >= 50


def test_rate_on_the_cluster_equals_pandas(client, panel):
    shot = panel.assign(value=np.floor(panel["value"] * 0.4))
    ref = csd.to_long(cs.rate(shot, panel, by=BY, value="value", freq="W-SUN"), BY)
    got = csd.rate(dd.from_pandas(shot, npartitions=3), dd.from_pandas(panel, npartitions=5),
                   by=BY, value="value", freq="W-SUN")
    _same(got.compute(), ref)


def test_a_date_column_works_like_the_index(client, panel):
    flat = panel.reset_index()
    got = csd.mann_kendall(dd.from_pandas(flat, npartitions=3), by=BY, value="value",
                           date="date").compute()
    ref = csd.to_long(cs.mann_kendall(panel, by=BY, value="value"), BY)
    _same(got, ref)


def test_to_daily_on_the_cluster_equals_pandas(client):
    rng = np.random.default_rng(5)
    n = 6000
    first = np.datetime64("2024-01-01") + rng.integers(0, 300, n).astype("timedelta64[D]")
    obs = pd.DataFrame({
        "metric": rng.choice(["drones_launched", "missiles_launched"], n),
        "value": rng.integers(0, 200, n).astype(float), "unit": "count", "kind": "flow",
        "start": first, "end": first + rng.integers(0, 14, n).astype("timedelta64[D]"),
        "region": rng.choice([f"g{i:03d}" for i in range(200)], n),
    })
    ref = csd.to_long(cs.to_daily(obs, by="region", conflict="sum"), ["metric", "region"],
                      dropna=True)
    got = csd.to_daily(dd.from_pandas(obs, npartitions=4), by="region", conflict="sum")
    assert list(got.columns) == ["metric", "region", "date", "value"]
    _same(got.compute(), ref)
    assert got["value"].sum().compute() == obs["value"].sum()  # whole counts: exact


def test_pandas_input_is_refused_with_a_pointer_to_the_pandas_function(panel):
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame in long form; got DataFrame"):
        csd.anomalies(panel, by=BY, value="value")


def test_a_missing_by_column_is_named():
    frame = dd.from_pandas(pd.DataFrame({"region": ["a"], "value": [1.0]},
                                        index=pd.date_range("2024-01-01", periods=1)),
                           npartitions=1)
    with pytest.raises(KeyError, match="column 'model' not found"):
        csd.anomalies(frame, by=["region", "model"], value="value")


def test_importing_conflictstats_does_not_import_dask():
    code = "import sys, conflictstats; print('dask' in sys.modules or 'distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_categorical_group_columns_and_a_string_date_column_work(client, panel):
    flat = panel.reset_index()
    flat["region"] = flat["region"].astype("category")
    flat["date"] = flat["date"].dt.strftime("%Y-%m-%d")
    got = csd.highest_since(dd.from_pandas(flat, npartitions=3), by=BY, value="value",
                            date="date").compute()
    ref = csd.to_long(cs.highest_since(panel, by=BY, value="value"), BY, name="since")
    got["region"] = got["region"].astype(str)
    _same(got, ref)
