"""Fast pair statistics behind the Mann–Kendall test and the Theil–Sen slope.

Private helpers of :mod:`conflictstats.trends`:

* :func:`count_inversions` counts the pairs out of order in a sequence of
  distinct integers with a bottom-up merge sort (Knight 1966), in
  O(n log n) and without a Python loop over elements;
* :func:`mk_score` gives the Mann–Kendall S from it;
* :func:`pair_slope_order_stats` selects order statistics of the n(n-1)/2
  pairwise slopes without forming them all: random pairs bracket the wanted
  ranks, the exact number of slopes below each bracket end is an inversion
  count, and only the slopes inside the bracket are enumerated.

The selected values are the very floating-point numbers
``(x[j] - x[i]) / (t[j] - t[i])`` that a full O(n²) computation would sort,
so the results equal those of pymannkendall and scipy bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__: list[str] = []  # private module

#: Up to this many pairs, slopes are formed directly (one vectorised pass).
_DIRECT_PAIRS = 1_000_000
#: Above this many slopes inside a bracket, they are tallied by value in chunks.
_ENUM_CAP = 8_000_000
_CHUNK = 2_000_000


def _levels(v: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Walk the bottom-up merge of ``v`` (distinct int64 values), level by level.

    Yields ``(w, order, pair, left_before, is_right)`` for each level of block
    width ``w``: the stable ``order`` that merges each pair of sorted blocks,
    and, per merged position, its pair block, how many elements of the left
    block precede it and whether it came from the right block.  The caller's
    arrays must be permuted with ``order`` after each step.
    """
    n = v.size
    pos = np.arange(n, dtype=np.int64)
    w = 1
    while w < n:
        pair = pos // (2 * w)
        right = ((pos // w) & 1).astype(bool)
        order = np.argsort(pair * n + v, kind="stable")
        is_right = right[order]
        is_left = ~is_right
        left_before = np.cumsum(is_left) - is_left - pair * w
        yield w, order, pair, left_before, is_right
        v = v[order]
        w *= 2


def count_inversions(v: np.ndarray) -> int:
    """Number of pairs ``u < v`` with ``v[u] > v[v]`` (values must be distinct integers)."""
    v = np.asarray(v, dtype=np.int64)
    total = 0
    for w, _order, _pair, left_before, is_right in _levels(v):
        total += int(np.sum(w - left_before[is_right]))
    return total


def _inversion_pairs(
    v: np.ndarray, ids: np.ndarray, chunk: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield the inverted pairs of ``v`` as arrays of ``ids`` (earlier, later), in chunks."""
    v = np.asarray(v, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    for w, order, pair, left_before, is_right in _levels(v):
        old_ids = ids
        ids = ids[order]
        cnt = (w - left_before)[is_right]
        if not cnt.any():
            continue
        start = (2 * w * pair + left_before)[is_right]  # first greater left element, pre-merge
        right_ids = ids[is_right]
        keep = cnt > 0
        cnt, start, right_ids = cnt[keep], start[keep], right_ids[keep]
        ends = np.cumsum(cnt)
        lo = 0
        while lo < cnt.size:
            hi = int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + chunk, side="right"))
            hi = max(hi, lo + 1)
            c = cnt[lo:hi]
            tot = int(c.sum())
            first = np.cumsum(c) - c
            offs = np.arange(tot, dtype=np.int64) - np.repeat(first, c)
            left = old_ids[np.repeat(start[lo:hi], c) + offs]
            yield left, np.repeat(right_ids[lo:hi], c)
            lo = hi


def mk_score(x: np.ndarray) -> tuple[int, np.ndarray]:
    """Mann–Kendall S = sum over i < j of sign(x[j] - x[i]), and the tie-group sizes.

    S = P - T - 2 D with P = n(n-1)/2 pairs, T pairs tied in value and D
    discordant pairs; D is the number of inversions of the time positions
    listed in value order (ties in time order, so tied pairs are not counted).
    """
    n = x.size
    order = np.argsort(x, kind="stable")
    d = count_inversions(order)
    _, counts = np.unique(x, return_counts=True)
    ties = int(np.sum(counts.astype(np.int64) * (counts - 1) // 2))
    return n * (n - 1) // 2 - ties - 2 * d, counts


# ---------------------------------------------------------------------------
# order statistics of pairwise slopes
# ---------------------------------------------------------------------------


def _safe_keys(t: np.ndarray, x: np.ndarray, c: float) -> np.ndarray | None:
    """Values ``x - c t`` if no two are so close that rounding could swap them."""
    y = x - c * t
    ys = np.sort(y)
    scale = float(np.max(np.abs(x)) + abs(c) * np.max(np.abs(t))) + np.finfo(float).tiny
    if ys.size > 1 and float(np.min(np.diff(ys))) <= 1e-11 * scale:
        return None
    return y


def _rank(y: np.ndarray) -> np.ndarray:
    r = np.empty(y.size, dtype=np.int64)
    r[np.argsort(y, kind="stable")] = np.arange(y.size, dtype=np.int64)
    return r


def _count_le(y: np.ndarray) -> int:
    """Pairs i < j (time order) with slope <= c, given certified keys y = x - c t."""
    return count_inversions(np.argsort(y, kind="stable"))


def _cut(s: np.ndarray, idx: int, rng: np.random.Generator, t: np.ndarray, x: np.ndarray,
         below: bool) -> tuple[float, np.ndarray | None]:
    """A random cut strictly between two distinct sorted sampled slopes ``s`` near ``idx``.

    Returns ``(cut, keys)`` with the certified keys ``x - cut * t``; the cut
    is -inf/+inf (keys None) when the sample runs out in that direction.
    """
    m = s.size
    while True:
        if below:
            if idx <= 0:
                return -np.inf, None
            idx = int(np.searchsorted(s, s[min(idx, m - 1)], side="left"))
            if idx <= 0:
                return -np.inf, None
            lo_v, hi_v = float(s[idx - 1]), float(s[idx])
        else:
            if idx >= m - 1:
                return np.inf, None
            idx = int(np.searchsorted(s, s[max(idx, 0)], side="right"))
            if idx >= m:
                return np.inf, None
            lo_v, hi_v = float(s[idx - 1]), float(s[idx])
        for _ in range(8):
            c = lo_v + (hi_v - lo_v) * float(rng.uniform(0.25, 0.75))
            if not lo_v < c < hi_v:
                break
            keys = _safe_keys(t, x, c)
            if keys is not None:
                return c, keys
        # slopes crowd this gap: step one distinct value further out
        idx = idx - 1 if below else idx  # (above: the next search moves past hi_v)


def _select_in_bracket(t: np.ndarray, x: np.ndarray, lo_keys: np.ndarray | None,
                       hi_keys: np.ndarray | None, ranks: np.ndarray) -> np.ndarray:
    """Order statistics ``ranks`` (0-based, within the bracket) of the slopes in (lo, hi]."""
    n = x.size
    a = lo_keys if lo_keys is not None else t  # every slope exceeds -inf
    order_a = np.argsort(a, kind="stable")
    # with no upper cut every slope is <= +inf: x - c t, c -> +inf, ranks time descending
    b = (n - 1 - np.arange(n))[order_a] if hi_keys is None else _rank(hi_keys)[order_a]
    # pairs whose order differs between a and b; each (p, q) with a_p < a_q, b_p > b_q
    chunks_v: list[np.ndarray] = []
    tally: dict[float, int] = {}
    n_seen = 0
    for p, q in _inversion_pairs(b, order_a, _CHUNK):
        i = np.minimum(p, q)
        j = np.maximum(p, q)
        d = (x[j] - x[i]) / (t[j] - t[i])
        n_seen += d.size
        if n_seen <= _ENUM_CAP and not tally:
            chunks_v.append(d)
        else:
            if chunks_v:
                for arr in chunks_v:
                    _tally(tally, arr)
                chunks_v = []
            _tally(tally, d)
    if not tally:
        total = np.concatenate(chunks_v) if chunks_v else np.empty(0)
        return np.partition(total, ranks)[ranks]
    vals = np.array(sorted(tally))
    cum = np.cumsum([tally[v] for v in vals])
    return vals[np.searchsorted(cum, ranks, side="right")]


def _tally(tally: dict[float, int], d: np.ndarray) -> None:
    u, c = np.unique(d, return_counts=True)
    for val, k in zip(u.tolist(), c.tolist(), strict=True):
        tally[val] = tally.get(val, 0) + k


def pair_slope_order_stats(t: np.ndarray, x: np.ndarray, ranks: list[int],
                           *, seed: int = 20240101) -> np.ndarray:
    """Order statistics of the slopes ``(x[j]-x[i])/(t[j]-t[i])``, i < j, at 0-based ``ranks``.

    ``t`` must be strictly increasing and ``x`` finite.  Ranks close together
    (such as the two middle ones of a median) should be asked for in one call.
    """
    n = x.size
    n_pairs = n * (n - 1) // 2
    ranks_arr = np.asarray(ranks, dtype=np.int64)
    if n_pairs <= _DIRECT_PAIRS:
        i, j = np.triu_indices(n, 1)
        d = (x[j] - x[i]) / (t[j] - t[i])
        return np.partition(d, ranks_arr)[ranks_arr]
    rng = np.random.default_rng(seed)
    m = int(min(n_pairs, max(50_000, 30 * n)))
    i = rng.integers(0, n, m)
    j = rng.integers(0, n, m)
    ok = i != j
    i, j = np.minimum(i[ok], j[ok]), np.maximum(i[ok], j[ok])
    sample = np.sort((x[j] - x[i]) / (t[j] - t[i]))
    m = sample.size
    k_lo, k_hi = int(ranks_arr.min()), int(ranks_arr.max())
    q_lo, q_hi = k_lo / n_pairs, (k_hi + 1) / n_pairs
    for z in (4.0, 8.0, 16.0, np.inf):
        sd_lo = np.sqrt(max(q_lo * (1 - q_lo), 1.0 / m) / m)
        sd_hi = np.sqrt(max(q_hi * (1 - q_hi), 1.0 / m) / m)
        ia = int(np.floor((q_lo - z * sd_lo) * m)) if np.isfinite(z) else -1
        ib = int(np.ceil((q_hi + z * sd_hi) * m)) if np.isfinite(z) else m
        _, lo_keys = _cut(sample, ia, rng, t, x, below=True)
        _, hi_keys = _cut(sample, ib, rng, t, x, below=False)
        c_lo = 0 if lo_keys is None else _count_le(lo_keys)
        c_hi = n_pairs if hi_keys is None else _count_le(hi_keys)
        if c_lo <= k_lo and k_hi < c_hi:
            break
    return _select_in_bracket(t, x, lo_keys, hi_keys, ranks_arr - c_lo)


def median_pair_slope(t: np.ndarray, x: np.ndarray) -> float:
    """Median of the pairwise slopes, as :func:`numpy.median` of all of them would give."""
    n_pairs = x.size * (x.size - 1) // 2
    k1, k2 = (n_pairs - 1) // 2, n_pairs // 2
    v = pair_slope_order_stats(t, x, [k1, k2])
    return float(v[0]) if k1 == k2 else float((v[0] + v[1]) / 2)


def acf(y: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelation at lags 0..nlags (biased estimator, divisor n), via FFT."""
    n = y.size
    d = y - y.mean()
    if n <= 2048:
        acov = np.correlate(d, d, "full")[n - 1:] / n
    else:
        nfft = 1 << int(np.ceil(np.log2(2 * n)))
        f = np.fft.rfft(d, nfft)
        acov = np.fft.irfft(f * np.conj(f), nfft)[:n] / n
    with np.errstate(invalid="ignore", divide="ignore"):  # constant input: NaN, as pymannkendall
        return acov[: nlags + 1] / acov[0]
