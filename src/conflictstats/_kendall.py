"""Fast pair statistics behind the Mann–Kendall test and the Theil–Sen slope.

Private helpers of :mod:`conflictstats.trends`:

* :func:`count_inversions` counts the pairs out of order in a sequence of
  distinct integers with a bottom-up merge sort (Knight 1966), in
  O(n log n) and without a Python loop over elements (blocks of 32 are
  compared pair by pair, then merged level by level);
* :func:`mk_score` gives the Mann–Kendall S from it;
* :func:`pair_slope_order_stats` selects order statistics of the n(n-1)/2
  pairwise slopes without forming them all: random pairs propose a bracket
  around the wanted ranks, the exact number of slopes below the bracket is
  an inversion count, and only the slopes inside the bracket are enumerated
  (which counts them too; a bracket that misses is widened).

The selected values are the very floating-point numbers
``(x[j] - x[i]) / (t[j] - t[i])`` that a full O(n²) computation would sort,
so the results equal those of pymannkendall and scipy bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

__all__: list[str] = []  # private module

#: Up to this many pairs, slopes are formed directly (one vectorised pass).
_DIRECT_PAIRS = 1_000_000
#: Above this many slopes inside a bracket, they are tallied by value in chunks.
_ENUM_CAP = 8_000_000
_CHUNK = 2_000_000
#: Sampled pair slopes per point (the sample proposes the brackets).
_SAMPLE_PER_POINT = 30


#: Width of the blocks whose inversions are found by comparing all their pairs.
_BASE = 32


def _base_blocks(v: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Inversions inside blocks of ``_BASE`` consecutive elements, by direct comparison.

    Returns ``(w, order, inv)``: the block width, the stable order that sorts
    every block, and a boolean array ``(blocks, w, w)`` whose ``[k, a, b]`` says
    that elements ``a < b`` of block ``k`` are out of order.  The last block is
    padded with values above all others, which invert nothing.
    """
    n = v.size
    w = min(_BASE, n)
    nb = -(-n // w)
    top = int(v.max()) + 1 if n else 0
    vp = np.concatenate([v, np.arange(top, top + nb * w - n, dtype=np.int64)]).reshape(nb, w)
    inv = (vp[:, :, None] > vp[:, None, :]) & np.triu(np.ones((w, w), dtype=bool), 1)
    order = np.argsort(vp, axis=1, kind="stable")
    order += (np.arange(nb, dtype=np.int64) * w)[:, None]
    return w, order.ravel()[:n], inv


def _levels(v: np.ndarray, w: int
            ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Walk the bottom-up merge of ``v`` (distinct int64 values, sorted within blocks of ``w``).

    Yields ``(w, order, pair, left_before, is_right)`` for each level of block
    width ``w``: the stable ``order`` that merges each pair of sorted blocks,
    and, per merged position, its pair block, how many elements of the left
    block precede it and whether it came from the right block.  The caller's
    arrays must be permuted with ``order`` after each step.
    """
    n = v.size
    pos = np.arange(n, dtype=np.int64)
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
    if v.size < 2:
        return 0
    w0, order, inv = _base_blocks(v)
    total = int(np.count_nonzero(inv))
    for w, _order, _pair, left_before, is_right in _levels(v[order], w0):
        total += int(np.sum(w - left_before[is_right]))
    return total


def _inverted_slopes(
    v: np.ndarray, xs: np.ndarray, ts: np.ndarray, chunk: int
) -> Iterator[np.ndarray]:
    """Yield, in chunks, the slopes of the pairs that ``v`` has out of order.

    ``xs`` and ``ts`` are the values and times of the points in the order of
    ``v``.  A slope is ``(x_q - x_p) / (t_q - t_p)`` for the pair's two points in
    whichever order the merge meets them: round-to-nearest is symmetric, so
    this is the very float ``(x_j - x_i) / (t_j - t_i)`` with ``t_i < t_j``,
    except that a tie ``x_i == x_j`` would give -0.0 half of the time; adding
    0.0 turns it back into the +0.0 of the time-ordered formula.
    """
    v = np.asarray(v, dtype=np.int64)
    if v.size < 2:
        return
    w0, base_order, inv = _base_blocks(v)
    blk, a, b = np.nonzero(inv)
    if blk.size:
        p, q = blk * w0 + a, blk * w0 + b
        d = (xs[q] - xs[p]) / (ts[q] - ts[p])
        d += 0.0
        yield d
    xs, ts = xs[base_order], ts[base_order]
    for w, order, pair, left_before, is_right in _levels(v[base_order], w0):
        old_x, old_t = xs, ts
        xs, ts = xs[order], ts[order]
        cnt = (w - left_before)[is_right]
        keep = cnt > 0
        if not keep.any():
            continue
        # the left elements greater than a right one are a run of the pre-merge
        # arrangement, from its first greater left element to the end of its block
        start = (2 * w * pair + left_before)[is_right][keep]
        cnt = cnt[keep]
        rx, rt = xs[is_right][keep], ts[is_right][keep]
        ends = np.cumsum(cnt)
        lo = 0
        while lo < cnt.size:
            hi = int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + chunk, side="right"))
            hi = max(hi, lo + 1)
            c = cnt[lo:hi]
            first = np.cumsum(c)
            tot = int(first[-1])
            first -= c
            pos = np.repeat(start[lo:hi] - first, c)
            pos += np.arange(tot, dtype=np.int64)
            d = np.repeat(rx[lo:hi], c)
            d -= old_x[pos]
            dt = np.repeat(rt[lo:hi], c)
            dt -= old_t[pos]
            d /= dt
            d += 0.0
            yield d
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


class _OutsideWindow(Exception):
    """A cut needs sample values outside the sorted window: sort the whole sample."""


class _Window(NamedTuple):
    """Sorted sample values ``s`` at (0-based) positions ``off .. off + len(s) - 1`` of ``m``."""

    s: np.ndarray
    off: int
    m: int


def _sample_slopes(t: np.ndarray, x: np.ndarray, m: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Slopes of about ``m`` random pairs, uniform over the pairs and stratified by point.

    Every point is the first of ``k = m // n`` ordered pairs whose second point
    is uniform over the others, so each unordered pair has the same chance
    (the slope is symmetric in the two points) and the equal allocation over
    the points can only lower the variance of the sample quantiles.
    """
    n = x.size
    k = max(m // n, 1)
    # partner of point i: i + u (mod n), u uniform on 1..n-1; the doubled arrays
    # stand in for the wrap-around
    j = rng.integers(1, n, (n, k))
    j += np.arange(n)[:, None]
    d = np.take(np.concatenate([x, x]), j)
    d -= x[:, None]
    dt = np.take(np.concatenate([t, t]), j)
    dt -= t[:, None]
    d /= dt
    return d.ravel()


def _window(d: np.ndarray, ia: int, ib: int) -> _Window:
    """Sorted values of ``d`` around its order statistics ``ia .. ib``, without a full sort.

    A systematic sub-sample locates value bounds that hold those positions
    with a wide margin; only the values between the bounds are sorted. The
    window may still miss (the caller then sorts everything).
    """
    m = d.size
    p = min(m, 4096)
    sub = np.sort(d[:: max(m // p, 1)])
    p = sub.size
    lo_q, hi_q = max(ia - 1, 0) / m, min(ib + 1, m - 1) / m
    lo_p = int(np.floor(lo_q * p - 6 * np.sqrt(lo_q * (1 - lo_q) * p) - 8))
    hi_p = int(np.ceil(hi_q * p + 6 * np.sqrt(hi_q * (1 - hi_q) * p) + 8))
    if lo_p <= 0 and hi_p >= p - 1:
        return _Window(np.sort(d), 0, m)
    lo_v = sub[lo_p] if lo_p > 0 else -np.inf
    hi_v = sub[hi_p] if hi_p < p - 1 else np.inf
    inside = (d >= lo_v) & (d <= hi_v)
    off = int(np.count_nonzero(d < lo_v))
    return _Window(np.sort(d[inside]), off, m)


class _Uncertifiable(Exception):
    """No cut could be certified within the budget (slopes crowd every gap)."""


#: Attempts at a certified cut before falling back to forming every slope.
_CUT_BUDGET = 48
#: Up to this many pairs the fallback forms every slope (8 bytes each).
_FALLBACK_PAIRS = 150_000_000


def _all_slopes(t: np.ndarray, x: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Order statistics from every slope, formed row by row into one array."""
    n = x.size
    out = np.empty(n * (n - 1) // 2)
    pos = 0
    for i in range(n - 1):  # one vectorised row of slopes per point
        d = (x[i + 1:] - x[i]) / (t[i + 1:] - t[i])
        out[pos:pos + d.size] = d
        pos += d.size
    return np.partition(out, np.unique(ranks))[ranks]


def _cut(win: _Window, idx: int, rng: np.random.Generator, t: np.ndarray, x: np.ndarray,
         below: bool, budget: list[int] | None = None) -> np.ndarray | None:
    """Certified keys ``x - c t`` for a random cut ``c`` between two distinct sample slopes.

    The two slopes are the distinct sorted sample values next to position
    ``idx`` (just below it when ``below``, just above it otherwise). Returns
    None for a cut at -inf/+inf when the sample runs out in that direction;
    raises :class:`_OutsideWindow` when the window does not reach far enough.
    """
    s, off, m = win
    while True:
        if below:
            if idx <= 0:
                return None
            li = min(idx, m - 1) - off
            if not 0 <= li < s.size:
                raise _OutsideWindow
            li = int(np.searchsorted(s, s[li], side="left"))
            if li <= 0:
                if off == 0:
                    return None
                raise _OutsideWindow
        else:
            if idx >= m - 1:
                return None
            li = max(idx, 0) - off
            if not 0 <= li < s.size:
                raise _OutsideWindow
            li = int(np.searchsorted(s, s[li], side="right"))
            if li >= s.size:
                if off + s.size == m:
                    return None
                raise _OutsideWindow
        lo_v, hi_v = float(s[li - 1]), float(s[li])
        idx = li + off
        for _ in range(8):
            c = lo_v + (hi_v - lo_v) * float(rng.uniform(0.25, 0.75))
            if not lo_v < c < hi_v:
                break
            if budget is not None:
                budget[0] -= 1
                if budget[0] < 0:
                    raise _Uncertifiable
            keys = _safe_keys(t, x, c)
            if keys is not None:
                return keys
        # slopes crowd this gap: step one distinct value further out
        idx = idx - 1 if below else idx  # (above: the next search moves past hi_v)


def _bracket_slopes(t: np.ndarray, x: np.ndarray, lo_keys: np.ndarray | None,
                    hi_keys: np.ndarray | None) -> tuple[np.ndarray | dict[float, int], int]:
    """The slopes in the bracket (lo, hi]: their values (or a value tally) and their number."""
    n = x.size
    a = lo_keys if lo_keys is not None else t  # every slope exceeds -inf
    order_a = np.argsort(a, kind="stable")
    # with no upper cut every slope is <= +inf: x - c t, c -> +inf, ranks time descending
    b = (n - 1 - np.arange(n))[order_a] if hi_keys is None else _rank(hi_keys)[order_a]
    # the slopes in the bracket are those of the pairs ordered differently by a and b
    chunks_v: list[np.ndarray] = []
    tally: dict[float, int] = {}
    n_seen = 0
    for d in _inverted_slopes(b, x[order_a], t[order_a], _CHUNK):
        n_seen += d.size
        if n_seen <= _ENUM_CAP and not tally:
            chunks_v.append(d)
        else:
            if chunks_v:
                for arr in chunks_v:
                    _tally(tally, arr)
                chunks_v = []
            _tally(tally, d)
    if tally:
        return tally, n_seen
    return (np.concatenate(chunks_v) if chunks_v else np.empty(0)), n_seen


def _pick(found: np.ndarray | dict[float, int], ranks: np.ndarray) -> np.ndarray:
    """Order statistics ``ranks`` (0-based) of the slopes found in a bracket."""
    if isinstance(found, dict):
        vals = np.array(sorted(found))
        cum = np.cumsum([found[v] for v in vals])
        return vals[np.searchsorted(cum, ranks, side="right")]
    return np.partition(found, np.unique(ranks))[ranks]


def _tally(tally: dict[float, int], d: np.ndarray) -> None:
    u, c = np.unique(d, return_counts=True)
    for val, k in zip(u.tolist(), c.tolist(), strict=True):
        tally[val] = tally.get(val, 0) + k


def pair_slope_order_stats(t: np.ndarray, x: np.ndarray, ranks: list[int],
                           *, seed: int = 20240101) -> np.ndarray:
    """Order statistics of the slopes ``(x[j]-x[i])/(t[j]-t[i])``, i < j, at 0-based ``ranks``.

    ``t`` must be strictly increasing and ``x`` finite.  Ranks close together
    (such as the two middle ones of a median) should be asked for in one call.

    A random sample of pair slopes proposes a bracket (lo, hi] around the
    wanted ranks; the exact number of slopes <= lo is an inversion count, and
    the slopes inside the bracket are enumerated, which also counts them. If
    the bracket misses a wanted rank (rare: the cuts lie ``z`` sampling
    standard errors out, ``z = 3`` first), it is widened and tried again, up
    to all pairs. The sample only decides the cost, never the result.

    When no cut can be certified (a nearly exact line: every candidate cut has
    near-ties among ``x - c t``), every slope is formed instead, up to
    ``_FALLBACK_PAIRS`` pairs.
    """
    n = x.size
    n_pairs = n * (n - 1) // 2
    ranks_arr = np.asarray(ranks, dtype=np.int64)
    if n_pairs <= _DIRECT_PAIRS:
        i, j = np.triu_indices(n, 1)
        d = (x[j] - x[i]) / (t[j] - t[i])
        return np.partition(d, np.unique(ranks_arr))[ranks_arr]
    rng = np.random.default_rng(seed)
    sample = _sample_slopes(t, x, int(min(n_pairs, max(50_000, _SAMPLE_PER_POINT * n))), rng)
    win: _Window | None = None
    budget = [_CUT_BUDGET] if n_pairs <= _FALLBACK_PAIRS else None
    try:
        return _bracketed(t, x, ranks_arr, sample, win, rng, budget)
    except _Uncertifiable:
        return _all_slopes(t, x, ranks_arr)


def _bracketed(t: np.ndarray, x: np.ndarray, ranks_arr: np.ndarray, sample: np.ndarray,
               win: _Window | None, rng: np.random.Generator,
               budget: list[int] | None) -> np.ndarray:
    n = x.size
    n_pairs = n * (n - 1) // 2
    m = sample.size
    k_lo, k_hi = int(ranks_arr.min()), int(ranks_arr.max())
    q_lo, q_hi = k_lo / n_pairs, (k_hi + 1) / n_pairs
    for z in (3.0, 8.0, 16.0, np.inf):
        sd_lo = np.sqrt(max(q_lo * (1 - q_lo), 1.0 / m) / m)
        sd_hi = np.sqrt(max(q_hi * (1 - q_hi), 1.0 / m) / m)
        ia = int(np.floor((q_lo - z * sd_lo) * m)) if np.isfinite(z) else -1
        ib = int(np.ceil((q_hi + z * sd_hi) * m)) if np.isfinite(z) else m
        if win is None:
            win = _window(sample, ia, ib)
        try:
            lo_keys = _cut(win, ia, rng, t, x, below=True, budget=budget)
            hi_keys = _cut(win, ib, rng, t, x, below=False, budget=budget)
        except _OutsideWindow:
            win = _Window(np.sort(sample), 0, m)
            lo_keys = _cut(win, ia, rng, t, x, below=True, budget=budget)
            hi_keys = _cut(win, ib, rng, t, x, below=False, budget=budget)
        c_lo = 0 if lo_keys is None else _count_le(lo_keys)
        if c_lo > k_lo:
            continue
        found, inside = _bracket_slopes(t, x, lo_keys, hi_keys)
        if k_hi < c_lo + inside:
            return _pick(found, ranks_arr - c_lo)
    raise AssertionError("unreachable: the last bracket holds every pair")  # pragma: no cover


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


# ---------------------------------------------------------------------------
# variance of S under AR(1) dependence
# ---------------------------------------------------------------------------

#: One-sided normal quantile of the upper confidence bound on the AR(1) coefficient.
AR1_BOUND_Z = 1.6448536269514722


def ar1_rank_factor(phi: float, n: int) -> float:
    """``Var*(S) / Var(S)`` for an AR(1) series with coefficient ``phi`` (Hamed & Rao 1998).

    ``1 + 2/(n(n-1)(n-2)) sum_{i=1}^{n-1} (n-i)(n-i-1)(n-i-2) rho_s(i)`` with the
    rank autocorrelations of a Gaussian AR(1), ``rho_s(i) = (6/pi) asin(phi^i / 2)``
    (the Spearman correlation of a bivariate normal with correlation ``phi^i``).
    """
    if n < 3 or phi == 0.0:
        return 1.0
    i = np.arange(1, n, dtype=float)
    rho = (6.0 / np.pi) * np.arcsin(np.power(phi, i) / 2.0)
    w = (n - i) * (n - i - 1) * (n - i - 2)
    return float(1.0 + 2.0 / (n * (n - 1) * (n - 2)) * np.sum(w * rho))


def ar1_upper_bound(ranks: np.ndarray) -> tuple[float, float]:
    """Bias-corrected AR(1) coefficient of a (detrended) series from its ranks, and
    its one-sided upper confidence bound, floored at 0: ``(phi_hat, phi_upper)``.

    ``r`` is the lag-1 autocorrelation of the ranks, bias-corrected as
    ``r_c = (n r + 2) / (n - 4)`` (Kendall's ``(n r + 1)/(n - 4)`` for an
    estimated mean, one more for the fitted slope), turned into the AR(1)
    coefficient of the underlying Gaussian series, ``phi = 2 sin(pi r_c / 6)``;
    the bound is ``phi + z sqrt((1 - phi^2) / n)``, z = 1.645, within [0, 0.99].
    With fewer than 6 values nothing can be estimated and the bound is 0.99.
    """
    n = ranks.size
    if n < 6:
        return math.nan, 0.99
    r = float(acf(ranks, 1)[1])
    if not np.isfinite(r):  # a constant series: no dependence to speak of
        return 0.0, 0.0
    rc = min(max((n * r + 2.0) / (n - 4.0), -1.0), 1.0)
    phi = 2.0 * math.sin(math.pi * rc / 6.0)
    upper = phi + AR1_BOUND_Z * math.sqrt(max(1.0 - phi * phi, 0.0) / n)
    return phi, min(max(upper, 0.0), 0.99)
