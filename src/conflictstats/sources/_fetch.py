"""Download the public datasets into a local cache, checked against a SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Any

from ..errors import DataWarning, InputError, MissingKeyError

__all__ = ["DATASETS", "default_cache_dir", "fetch_dataset"]

_RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def _entry(repo: str, commit: str, path: str, sha256: str) -> dict[str, str]:
    return {"url": _RAW.format(repo=repo, commit=commit, path=path),
            "filename": path.rsplit("/", 1)[-1], "sha256": sha256}


_PI = ("PetroIvaniuk/2022-Ukraine-Russia-War-Dataset", "37655f8bbdd6806d2f94416253116b02a750c97b")
_KIEL = ("UkraineSupportTrackerWebsite/ukraine-support-tracker",
         "ddf24c0f8f36dbe0ffb85822d5f45a732440a617")

#: name -> public address (pinned commit), file name and SHA-256 of the content.
DATASETS: dict[str, dict[str, str]] = {
    "missile_attacks": _entry(
        "Androm2018/ukraine-drone-weather-analysis", "e9f7b17761e75e1594030f46acb3e2944b398c2d",
        "missile_attacks_daily.csv",
        "367cd6247a12f7b0523779e0ccbc6f1f82d4ea1c3a0c784fceecf8210faf1095"),
    "missile_catalogue": _entry(
        "DTL-DA/Massive-Missile-Attacks-on-Ukraine-EndtoEnd",
        "60190a89eedcb3952e046e5fae1c3c4e9ae29dd7", "missiles_and_uavs.csv",
        "d85bdf56bcbf71b04959a44f14cba3675ccce84e1c5d3de26850f7a37120046b"),
    "liveuamap_territory": _entry(
        "conflict-investigations/liveuamap-analysis", "dc0847a241adf53c3a67739db9ae6791c94cf291",
        "territory.csv", "f41241de22166b1ba1732a2105ed37f0403fa458e9773059cc57abeb344f3b74"),
    "nzz_territory": _entry(
        "conflict-investigations/liveuamap-analysis", "dc0847a241adf53c3a67739db9ae6791c94cf291",
        "nzz_area_occupied.json",
        "41af53f8b75a0988a60eb00dce9391f19114c6b430936d63673bf722f0f81229"),
    "losses_personnel": _entry(
        *_PI, "data/russia_losses_personnel.json",
        "8a11a5e9d7016ac45079f9a7fc82713003549676737597a72c23b6b13b3463b2"),
    "losses_equipment": _entry(
        *_PI, "data/russia_losses_equipment.json",
        "8c3adf7e039b090560c6ded5071e4a0eb43bcebae825fd1b5c71c073c0980cba"),
    "losses_equipment_correction": _entry(
        *_PI, "data/russia_losses_equipment_correction.json",
        "39159a4e38bd774e6ec94a25df9434e9046e910c1d36539a29dafe429b9aad50"),
    "oryx_daily": _entry(
        "scarnecchia/oryx_data", "a8624b4781666b73440fba89824133cb41531a72", "daily_count.csv",
        "93264f480a6e532b99e2adeba0d8abe6058bf6885e2c65780ced699320344f68"),
    "kiel_donors": _entry(
        *_KIEL, "data/data_explorer.csv",
        "4769d78ddb5af2b015d65ee9061efb462b06a8fa86e11e036ac33b8541a6d638"),
    "kiel_totals": _entry(
        *_KIEL, "data/total_allocations.csv",
        "d075ee57954f863189d14dde4e29600e61b5be1b37048771ce7b71fba0216afa"),
}


def default_cache_dir() -> Path:
    """``$CONFLICTSTATS_CACHE`` if set, else ``~/.cache/conflictstats``."""
    env = os.environ.get("CONFLICTSTATS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "conflictstats"


#: Seconds one download may take in all (not per read): a server that trickles
#: bytes cannot keep :func:`fetch_dataset` waiting longer.
DOWNLOAD_DEADLINE = 300.0
#: Seconds one read may wait for the server.
READ_TIMEOUT = 60.0


def _download(url: str, fh: Any, *, deadline: float) -> None:
    """Fetch ``url`` into the open file ``fh`` (the one function that touches the
    network), within ``deadline`` seconds in all."""
    stop = time.monotonic() + deadline
    with urllib.request.urlopen(url, timeout=min(READ_TIMEOUT, deadline)) as response:
        while True:
            if time.monotonic() > stop:
                raise TimeoutError(f"the download took longer than {deadline:g} s")
            block = response.read1(1 << 16)  # what one read brings, not a full block
            if not block:
                return
            fh.write(block)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _together(name: str) -> tuple[str, ...]:
    """The keys fetched into one folder with ``name`` (its folder's key first): those a
    source declaration with companions fetches (the missile file and its catalogue)."""
    from ._registry import SOURCES

    for spec in SOURCES.values():
        if spec.companions and name in spec.fetch:
            return spec.fetch if name == spec.fetch[0] else (spec.fetch[0],)
    return (name,)


def fetch_dataset(
    name: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
    deadline: float | None = None,
    release: str | None = None,
    sha256: str | None = None,
) -> Path:
    """Download a public dataset into the local cache and return its path.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`: ``missile_attacks``, ``missile_catalogue``,
        ``liveuamap_territory``, ``nzz_territory``, ``losses_personnel``,
        ``losses_equipment``, ``losses_equipment_correction``, ``oryx_daily``,
        ``kiel_donors``, ``kiel_totals``.
    cache_dir : str or path, optional
        Where to keep the files; default :func:`default_cache_dir`.
    force : bool
        Download again, replacing the cached copy (also one that failed its
        checksum).
    deadline : float, optional
        Seconds the whole download may take (default :data:`DOWNLOAD_DEADLINE`);
        each read also times out after :data:`READ_TIMEOUT` seconds.
    release : str, optional
        Another release of the dataset: a commit of its upstream repository
        (40 hex digits), so that two releases can be compared with
        :func:`conflictstats.revisions`. Default: the pinned commit.
    sha256 : str, optional
        The SHA-256 the file of ``release`` must have. Without it, a release
        other than the pinned one has no checksum to be checked against: its
        digest is then stored beside the file (``<filename>.sha256``), reported
        in a :class:`~conflictstats.DataWarning`, and the cached copy is
        checked against it from then on.

    Returns
    -------
    Path
        The cached file (``<cache_dir>/<name>/<filename>``; for another release
        ``<cache_dir>/<name>@<release>/<filename>``), ready for the reader.
        The files a declaration needs beside it are fetched into the same folder
        (``missile_attacks`` also fetches the catalogue ``missiles_and_uavs.csv``
        into ``<cache_dir>/missile_attacks/``; ``missile_catalogue`` alone goes
        there too).

    Raises
    ------
    KeyError
        For an unknown name (the message lists the known ones).
    ConnectionError
        When the download fails or passes its deadline (offline, the address
        moved, a stalled server): the message gives the address so the file can
        be fetched by hand.
    ValueError
        When the downloaded content's SHA-256 differs from the pinned one (the
        file is then deleted), or when the cached copy fails its checksum: the
        message gives both digests and says to delete it or fetch with
        ``force=True``; a changed cached file is never replaced silently.

    Notes
    -----
    Every address points at a pinned commit, so the content cannot change under
    the checksum. The download goes to a new file of a random name in the cache
    folder (created exclusively, never through a link planted there) and is renamed
    over the cached file only after its checksum matched. The DeepState area series
    has no public address: it is derived from map snapshots (see the readers' notes)
    and is not fetched. The Kaggle original of the missile data needs a Kaggle
    account; a GitHub mirror is used.

    Examples
    --------
    >>> from conflictstats.sources import fetch_dataset, read_missile_attacks
    >>> path = fetch_dataset("missile_attacks")  # doctest: +SKIP
    >>> obs = read_missile_attacks(path)  # doctest: +SKIP

    Two releases of one dataset, compared:

    >>> import conflictstats as cs
    >>> old = cs.sources.read_oryx_daily(fetch_dataset(
    ...     "oryx_daily", release="<40 hex digits of an older commit>"))  # doctest: +SKIP
    >>> new = cs.sources.read_oryx_daily(fetch_dataset("oryx_daily"))  # doctest: +SKIP
    >>> print(cs.revisions(old, new))  # doctest: +SKIP
    """
    if name not in DATASETS:
        raise MissingKeyError(f"unknown dataset {name!r}; known: {', '.join(sorted(DATASETS))}")
    entry = DATASETS[name]
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if release is not None or sha256 is not None:
        return _fetch_release(name, entry, release, sha256, folder, force=force,
                              deadline=DOWNLOAD_DEADLINE if deadline is None else deadline)
    together = _together(name)
    for companion in together[1:]:  # a file's companions first, into its folder
        if companion != name:
            fetch_dataset(companion, cache_dir=cache_dir, force=force, deadline=deadline)
    dest = folder / together[0] / entry["filename"]
    if dest.exists() and not force:
        found = _sha256(dest)
        if found == entry["sha256"]:
            return dest
        raise InputError(
            f"dataset {name!r}: the cached copy {dest} failed its checksum: expected sha256 "
            f"{entry['sha256']}, found {found}; it is damaged or was changed. Delete it, or "
            f"call fetch_dataset({name!r}, force=True) to download it again")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        got = _fetch_into(entry["url"], dest,
                          DOWNLOAD_DEADLINE if deadline is None else deadline, entry["sha256"])
    except (urllib.error.URLError, OSError) as exc:
        raise ConnectionError(
            f"could not download dataset {name!r} from {entry['url']} ({exc}); are you "
            f"offline? Download it by hand and pass its path to the reader, or place it at "
            f"{dest}"
        ) from exc
    if got != entry["sha256"]:
        raise InputError(
            f"dataset {name!r}: checksum mismatch for {entry['url']}: expected sha256 "
            f"{entry['sha256']}, got {got}; the file was not kept"
        )
    return dest


def _fetch_into(url: str, dest: Path, deadline: float, expected: str | None) -> str:
    """Download into a new private file beside ``dest``; rename it over ``dest`` when its
    SHA-256 is ``expected`` (or always, when None). Returns the SHA-256 found (the partial
    file is removed unless it became ``dest``)."""
    fd, part = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        # readable as the folder is: a shared cache (0o775) stays shared, a private one private
        if hasattr(os, "fchmod"):
            os.fchmod(fd, stat.S_IMODE(dest.parent.stat().st_mode) & 0o666)
        with os.fdopen(fd, "wb") as fh:
            _download(url, fh, deadline=deadline)
        got = _sha256(Path(part))
        if expected is None or got == expected:
            os.replace(part, dest)
        return got
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)


_COMMIT = re.compile(r"[0-9a-fA-F]{40}")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _release_url(name: str, entry: dict[str, str], release: str) -> str:
    """The address of the dataset's file at another commit of its repository."""
    prefix = _RAW.split("{", 1)[0]
    parts = entry["url"][len(prefix):].split("/", 3) if entry["url"].startswith(prefix) else []
    if len(parts) != 4:
        raise InputError(f"fetch_dataset: dataset {name!r} is not fetched from a GitHub "
                         f"repository ({entry['url']}), so it has no release={release!r}")
    owner, repo, _commit, path = parts
    return _RAW.format(repo=f"{owner}/{repo}", commit=release, path=path)


def _write_private(path: Path, text: str) -> None:
    """Write a small file through a new file of a random name (never through a link)."""
    fd, part = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)


def _fetch_release(name: str, entry: dict[str, str], release: str | None,
                   sha256: str | None, folder: Path, *, force: bool, deadline: float) -> Path:
    """:func:`fetch_dataset` of one release: pinned by ``sha256``, else by the digest found
    at the first download (stored beside the file and reported)."""
    if release is None:
        raise InputError("fetch_dataset: sha256= checks a release; give release= too (the "
                         "pinned release has its own checksum)")
    if not isinstance(release, str) or not _COMMIT.fullmatch(release):
        raise InputError(f"fetch_dataset: release must be a commit of the upstream repository "
                         f"(40 hex digits; a branch or tag can move); got {release!r}")
    if sha256 is not None and not (isinstance(sha256, str) and _HEX64.fullmatch(sha256)):
        raise InputError(f"fetch_dataset: sha256 must be 64 hex digits; got {sha256!r}")
    release = release.lower()
    url = _release_url(name, entry, release)
    if url == entry["url"] and sha256 is None:
        return fetch_dataset(name, cache_dir=folder, force=force, deadline=deadline)
    expected = sha256.lower() if sha256 else (entry["sha256"] if url == entry["url"] else None)
    dest = folder / f"{name}@{release}" / entry["filename"]
    record = dest.with_name(dest.name + ".sha256")
    what = f"dataset {name!r} at release {release}"
    if dest.exists() and not force:
        found = _sha256(dest)
        known = expected
        if known is None and record.exists():
            known = next(iter(record.read_text("ascii").split()), None)
        if known is None:
            _write_private(record, f"{found}  {entry['filename']}\n")
            warnings.warn(f"{what}: no pinned checksum for this release and no stored one; "
                          f"the cached copy's SHA-256 {found} is stored in {record}",
                          DataWarning, stacklevel=3)
            return dest
        if found == known:
            return dest
        raise InputError(
            f"{what}: the cached copy {dest} failed its checksum: expected sha256 {known}, "
            f"found {found}; it is damaged or was changed. Delete it, or call "
            f"fetch_dataset({name!r}, release={release!r}, force=True) to download it again")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        got = _fetch_into(url, dest, deadline, expected)
    except (urllib.error.URLError, OSError) as exc:
        raise ConnectionError(
            f"could not download {what} from {url} ({exc}); is the commit in the "
            f"repository, are you offline? Download it by hand and pass its path to the "
            f"reader, or place it at {dest}") from exc
    if expected is not None and got != expected:
        raise InputError(f"{what}: checksum mismatch for {url}: expected sha256 {expected}, "
                         f"got {got}; the file was not kept")
    if expected is None:
        _write_private(record, f"{got}  {entry['filename']}\n")
        warnings.warn(
            f"{what}: no pinned checksum for this release; the file downloaded has SHA-256 "
            f"{got} (stored in {record}; the cached copy is checked against it from now on, "
            f"and sha256={got[:12]}... pins it)", DataWarning, stacklevel=3)
    return dest
