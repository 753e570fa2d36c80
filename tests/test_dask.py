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


def test_reconcile_on_the_cluster_equals_pandas_by(client, panel):
    # B: a binomial thinning of A two days later, per series; one row per series
    rng = np.random.default_rng(3)
    sub = panel[panel["region"].isin(["r00", "r01", "r02", "r03"])]
    shifted = sub.groupby(BY, group_keys=False)["value"].shift(2).fillna(0).astype(int)
    b = sub.assign(value=rng.binomial(shifted.to_numpy(), 0.5).astype(float))
    ref = cs.reconcile(sub, b, by=BY, value="value", kind="flow", n_boot=20)
    got = csd.reconcile(dd.from_pandas(sub, npartitions=3), dd.from_pandas(b, npartitions=2),
                        by=BY, value="value", kind="flow", n_boot=20).compute()
    assert len(ref) == 32 and (ref["lag"] == 2).all()
    key = [*BY]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True)[ref.columns],
        ref.sort_values(key).reset_index(drop=True), check_dtype=False)


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


# ---------------------------------------------------------------------------
# ragged panels and data lakes (issue 22)
# ---------------------------------------------------------------------------

RAGGED_SERIES = [(f"r{r:02d}", f"m{m}") for r in range(12) for m in range(4)]  # 48 series


@pytest.fixture(scope="module")
def ragged():
    """48 series with their own first and last days, absent days and missing values."""
    rng = np.random.default_rng(22)
    parts = []
    for i, (region, model) in enumerate(RAGGED_SERIES):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 90)))
        dates = pd.date_range(start, periods=int(rng.integers(45, 150)), name="date")
        lam = np.full(len(dates), 8.0 + i % 9)
        if i % 3 == 0:
            lam[len(dates) // 2:] *= 3  # a change for changepoints to find
        values = rng.poisson(lam).astype(float)
        values[rng.random(len(dates)) < 0.05] = np.nan  # reported missing
        keep = rng.random(len(dates)) > 0.08  # absent days: no row at all
        keep[0] = keep[-1] = True
        parts.append(pd.DataFrame({"region": region, "model": model, "value": values[keep]},
                                  index=dates[keep]))
    return pd.concat(parts)


def _reference(name, panel, kw):
    field = "since" if name.endswith("_since") else "value"
    return csd.to_long(getattr(cs, name)(panel, by=BY, value="value", **kw), BY, name=field)


def test_a_ragged_panel_gives_each_series_its_own_dates_in_pandas_by(ragged):
    # per-day results: one row per series and date the series has a row on (no padding)
    for name in ("anomalies", "highest_since", "lowest_since"):
        long = _reference(name, ragged, CASES[name])
        assert len(long) == len(ragged), name
        got = long.set_index([*BY, "date"]).index
        want = pd.MultiIndex.from_frame(ragged.reset_index()[[*BY, "date"]])
        assert got.sort_values().equals(want.sort_values()), name
    # and the wide result is blank on the other series' dates
    wide = cs.anomalies(ragged, by=BY, value="value")
    alone = ragged[(ragged["region"] == "r00") & (ragged["model"] == "m0")]
    col = wide[("r00", "m0", "expected")]
    assert col.loc[~col.index.isin(alone.index)].isna().all()
    assert col.loc[alone.index].notna().any()


@pytest.mark.parametrize("name", [n for n in CASES if n != "mann_kendall"])  # see below
def test_each_function_with_by_equals_each_series_alone_on_a_ragged_panel(ragged, name):
    kw = CASES[name]
    ref = _reference(name, ragged, kw)
    groups = [g for _, g in ragged.groupby(BY, sort=True)][:16]
    alone = pd.concat([_reference(name, g, kw) for g in groups], ignore_index=True)
    first16 = pd.MultiIndex.from_frame(alone[BY]).unique()
    part = ref[pd.MultiIndex.from_frame(ref[BY]).isin(first16)]
    _same(part, alone)


def test_mann_kendall_of_each_series_in_a_panel_equals_the_series_alone(client, ragged):
    # the intercept too: it must not depend on the other series of the call
    ddf = dd.from_pandas(ragged, npartitions=3)
    got = _sorted(csd.mann_kendall(ddf, by=BY, value="value").compute())
    for (region, model), g in ragged.groupby(BY, sort=True):
        one = cs.mann_kendall(g["value"])
        row = got[(got["region"] == region) & (got["model"] == model)].iloc[0]
        np.testing.assert_allclose([row["slope"], row["intercept"], row["p_value"]],
                                   [one.slope, one.intercept, one.p_value], rtol=1e-9)


@pytest.mark.parametrize("npartitions", [2, 5])
@pytest.mark.parametrize("name", list(CASES))
def test_each_function_on_a_ragged_panel_equals_pandas_whatever_npartitions(
        client, ragged, name, npartitions):
    kw = CASES[name]
    ref = _reference(name, ragged, kw)
    ddf = dd.from_pandas(ragged, npartitions=3)
    got = getattr(csd, name)(ddf, by=BY, value="value", npartitions=npartitions, **kw)
    _same(got.compute(), ref)


def _write_files(frame, folder, n_files, fmt):
    """``frame`` split into ``n_files`` files, each numbering its rows from 0."""
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), n_files)):
        part = frame.iloc[chunk].reset_index(drop=True)
        if fmt == "parquet":
            part.to_parquet(folder / f"part-{i:02d}.parquet", index=False)
        else:
            part.to_csv(folder / f"part-{i:02d}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def lake(tmp_path_factory, ragged):
    """The ragged panel, shuffled row-wise, as 6 Parquet files and as 6 CSV files."""
    flat = ragged.reset_index().sample(frac=1.0, random_state=3)
    root = tmp_path_factory.mktemp("lake")
    return {fmt: _write_files(flat, root / fmt, 6, fmt) for fmt in ("parquet", "csv")}


def _read(lake, fmt):
    if fmt == "parquet":
        return dd.read_parquet(lake["parquet"])
    return dd.read_csv(str(lake["csv"] / "*.csv"))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("name", list(CASES))
def test_each_function_reads_a_folder_of_files_and_equals_pandas(client, ragged, lake, fmt,
                                                                  name):
    kw = CASES[name]
    ref = _reference(name, ragged, kw)
    data = _read(lake, fmt)
    assert data.npartitions >= 6
    for npartitions in (2, 7):
        got = getattr(csd, name)(data, by=BY, value="value", date="date",
                                 npartitions=npartitions, **kw).compute()
        _same(got, ref)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_rate_reads_folders_of_files(client, ragged, lake, fmt, tmp_path):
    shot = ragged.assign(value=np.floor(ragged["value"] * 0.4))
    ref = csd.to_long(cs.rate(shot, ragged, by=BY, value="value", freq="W-SUN"), BY)
    flat = shot.reset_index().sample(frac=1.0, random_state=4)
    folder = _write_files(flat, tmp_path / "shot", 4, fmt)
    num = dd.read_parquet(folder) if fmt == "parquet" else dd.read_csv(str(folder / "*.csv"))
    got = csd.rate(num, _read(lake, fmt), by=BY, value="value", date="date",
                   freq="W-SUN", npartitions=3)
    _same(got.compute(), ref)


def _observations(n=4000, seed=8):
    rng = np.random.default_rng(seed)
    first = np.datetime64("2024-01-01") + rng.integers(0, 200, n).astype("timedelta64[D]")
    return pd.DataFrame({
        "metric": rng.choice(["drones_launched", "missiles_launched"], n),
        "value": rng.integers(0, 200, n).astype(float), "unit": "count", "kind": "flow",
        "start": first, "end": first + rng.integers(0, 10, n).astype("timedelta64[D]"),
        "region": rng.choice([f"g{i:02d}" for i in range(40)], n),
    })


def _shuffles(frame):
    """How many shuffles the optimised expression of ``frame`` does."""
    from dask.dataframe.dask_expr._shuffle import Shuffle

    return sum(isinstance(node, Shuffle) for node in frame.optimize().expr.walk())


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_to_daily_reads_a_folder_of_files_whose_row_numbers_repeat(client, tmp_path, fmt):
    obs = _observations()
    folder = _write_files(obs, tmp_path / "obs", 5, fmt)
    data = dd.read_parquet(folder) if fmt == "parquet" else \
        dd.read_csv(str(folder / "*.csv"))
    ref = csd.to_long(cs.to_daily(obs, by="region", conflict="sum"), ["metric", "region"],
                      dropna=True)
    for npartitions in (2, 6):
        got = csd.to_daily(data, by="region", conflict="sum", npartitions=npartitions)
        _same(got.compute(), ref)


def test_read_parquet_to_daily_records_shuffles_once_and_equals_pandas(client, tmp_path):
    obs = _observations()
    folder = _write_files(obs, tmp_path / "obs", 8, "parquet")
    daily = csd.to_daily(dd.read_parquet(folder), by="region", conflict="sum")
    assert csd.partitioned_by(daily) == ("metric", "region")
    recs = csd.records(daily, by=["metric", "region"], value="value", date="date",
                       kind="flow", freq="W-SUN")
    assert _shuffles(daily) == 1
    assert _shuffles(recs) == 1  # records does not shuffle the daily series again
    forced = csd.records(daily, by=["metric", "region"], value="value", date="date",
                         kind="flow", freq="W-SUN", partitioned=False)
    assert _shuffles(forced) == 2  # the count sees a second shuffle when there is one
    wide = cs.to_daily(obs, by="region", conflict="sum")
    long = csd.to_long(wide, ["metric", "region"], dropna=True).set_index("date")
    ref = csd.to_long(cs.records(long, by=["metric", "region"], value="value", kind="flow",
                                 freq="W-SUN"), ["metric", "region"])
    _same(recs.compute(), ref)


def test_a_frame_indexed_by_its_series_with_known_divisions_is_not_shuffled(client, ragged):
    flat = ragged.reset_index()
    ddf = dd.from_pandas(flat, npartitions=4).set_index("region")  # one shuffle, by region
    assert csd.partitioned_by(ddf) == ("region",)
    got = csd.highest_since(ddf, by=BY, value="value", date="date")
    assert _shuffles(got) == _shuffles(ddf)
    _same(got.compute(), _reference("highest_since", ragged, {}))


def test_partitioned_true_skips_the_shuffle_and_meta_is_used_as_given(client, ragged):
    ddf = dd.from_pandas(ragged, npartitions=3)
    assert csd.partitioned_by(ddf) is None
    ref = _reference("mann_kendall", ragged, {})
    meta = csd.mann_kendall(ddf, by=BY, value="value")._meta
    got = csd.mann_kendall(ddf, by=BY, value="value", partitioned=True, meta=meta)
    assert _shuffles(got) == 0
    # from_pandas splits the panel by date, so series are cut: the result has more rows
    assert len(got.compute()) > len(ref)
    with pytest.raises(TypeError, match="meta must be an empty pandas DataFrame"):
        csd.mann_kendall(ddf, by=BY, value="value", meta="float")
    with pytest.raises(TypeError, match="partitioned must be True, False or None"):
        csd.mann_kendall(ddf, by=BY, value="value", partitioned="yes")


def test_a_parquet_dataset_written_one_file_per_series_needs_no_shuffle(client, ragged,
                                                                         tmp_path):
    # partition_cols writes one folder per region and, from one pandas frame, one file in
    # each: every series lies whole in one file, so partitioned=True is true of it
    ragged.reset_index().to_parquet(tmp_path / "panel", partition_cols=["region"], index=False)
    data = dd.read_parquet(tmp_path / "panel")
    assert data.npartitions >= 12
    got = csd.anomalies(data, by=BY, value="value", date="date", partitioned=True)
    assert _shuffles(got) == 0
    got = got.compute()
    got["region"] = got["region"].astype(str)
    _same(got, _reference("anomalies", ragged, {}))
