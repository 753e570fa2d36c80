"""Writing a report without harming the folder it goes into (private).

One place owns how the weekly report reaches the disk and how text taken from data
is made harmless wherever it lands:

- :func:`write_report` builds the whole report in a new folder beside ``out`` (same
  parent, so every rename stays on one file system), carries the user's own files
  over, and swaps the new folder in as a whole: on Linux in one atomic step
  (``renameat2(RENAME_EXCHANGE)``), elsewhere by two renames whose interruption the
  next run repairs. A manifest, :data:`MANIFEST`, lists the files the library wrote;
  only those are left behind by the next report. A lock beside ``out`` makes a
  second run into the same folder wait, then stop with a message.
- :func:`chart_stem` gives each chart a readable, unique file name.
- :func:`md_text` escapes text from data for ``summary.md`` (Markdown and HTML).
- :func:`csv_cells` neutralises spreadsheet formulas in the cells of ``facts.csv``.
- :func:`literal_text` draws chart text literally (no mathtext, no TeX).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError

__all__: list[str] = []

#: The manifest a report leaves in its folder: the files the library wrote.
MANIFEST = ".conflictstats-report.json"
#: Seconds a run waits for another run writing into the same folder, then stops.
LOCK_WAIT = 30.0
_POLL = 0.1

Say = Callable[[str], None]


# --------------------------------------------------------------------------- text


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].rstrip("_")
    return slug or "series"


def chart_stem(dataset: str, key: str) -> str:
    """A chart's file name without extension: readable slugs plus a short hash.

    The hash is of the exact ``(dataset, key)`` pair, so names that slug alike
    ("Україна" and "Росія", or names equal in their first 60 characters) still
    give distinct files, and a series keeps its file name from week to week.

    Examples
    --------
    >>> chart_stem("Demo", "drones launched")
    'demo__drones_launched-555f7ccb'
    >>> chart_stem("Demo", "Україна") != chart_stem("Demo", "Росія")
    True
    """
    digest = hashlib.sha256(f"{dataset}\x1f{key}".encode()).hexdigest()[:8]
    return f"{_slug(dataset)}__{_slug(key)}-{digest}"


#: Control characters (a newline would start a new Markdown block), line and paragraph
#: separators, and bidirectional overrides (they reorder what the reader sees).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# "_" between two letters or digits never starts emphasis (missile_attacks_daily.csv)
_MD_PUNCT = re.compile(r"([\\`*\[\]~]|(?<![^\W_])_|_(?![^\W_]))")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")


def md_text(text: Any) -> str:
    """Text from data, escaped so that Markdown and HTML show it literally.

    Control characters become spaces (no new block can start), ``<`` and ``>`` become
    ``&lt;`` and ``&gt;`` (no HTML tag), an ``&`` that would start an entity becomes
    ``&amp;``, and the Markdown punctuation ``\\ ` * [ ] ~`` is backslash-escaped (no
    link, image, code span or emphasis), as is ``_`` unless it stands between two
    letters or digits (``missile_attacks_daily.csv`` stays as it is); a leading
    ``#``, ``-``, ``+``, ``=`` or ``1.`` is escaped too. Ordinary text (letters,
    digits, ``( ) % : ; , .``) is unchanged.

    Examples
    --------
    >>> md_text("![x](http://evil.example/p.png) <script>")
    '!\\\\[x\\\\](http://evil.example/p.png) &lt;script&gt;'
    >>> md_text("drones launched (Russia)")
    'drones launched (Russia)'
    """
    s = _CONTROL.sub(" ", str(text))
    s = re.sub(r"&(?=#?\w+;)", "&amp;", s).replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_PUNCT.sub(r"\\\1", s)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if not m[2].isdigit()
                           else f"{m[1]}{m[2]}\\", s, count=1)


#: A cell a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA = r"[=+\-@\t\r]"
_NUMBER = r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?"


def csv_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas.

    A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading single quote, so that spreadsheets show it as text (the
    OWASP rule). Numbers stay numbers: numeric columns are not touched, and a text
    cell that is a plain number ("-5", "+1.5e3") is left as it is.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ['=HYPERLINK("http://x")', "-5", "ok"], "b": [-1.0, 2.0, 3.0]})
    >>> csv_cells(f)["a"].tolist(), csv_cells(f)["b"].tolist()
    (['\\'=HYPERLINK("http://x")', '-5', 'ok'], [-1.0, 2.0, 3.0])
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        text = s.where(s.map(lambda v: isinstance(v, str)).astype(bool))  # str cells only
        hit = (text.str.match(_FORMULA, na=False)
               & ~text.str.fullmatch(_NUMBER, na=False)).to_numpy(dtype=bool)
        if hit.any():
            s = s.astype(object)
            s[hit] = "'" + text[hit].astype(str)
            out[col] = s
    return out


@contextlib.contextmanager
def literal_text() -> Iterator[None]:
    """Chart text created inside the block is drawn as written: ``$5 to $10`` keeps its
    dollar signs and ``$\\foo$`` is text, not a mathtext error."""
    import matplotlib as mpl

    with mpl.rc_context({"text.parse_math": False, "text.usetex": False}):
        yield


# --------------------------------------------------------------------------- the folder


def _paths(out: Path) -> tuple[str, str, Path]:
    base = f".{out.name}.conflictstats"
    return f"{base}-new-", f"{base}-old-", out.parent / f"{base}.lock"


def _read_manifest(out: Path) -> list[str] | None:
    """The file names an earlier report listed, or None without a usable manifest."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return None
    return [f for f in files if isinstance(f, str) and f not in ("", ".", "..")
            and "/" not in f and "\\" not in f]


def _legacy(path: Path) -> bool:
    """``summary.md`` or ``facts.csv`` of a report written before manifests existed."""
    heads = {"summary.md": "# Weekly report", "facts.csv": "dataset,series,metric,"}
    if path.name not in heads or path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            return fh.readline().startswith(heads[path.name])
    except (OSError, UnicodeDecodeError):
        return False


def _ours(out: Path) -> set[str]:
    """Names in ``out`` that an earlier report wrote: those its manifest lists; without
    a manifest, a report of an earlier version: its summary, facts and the charts its
    summary lists."""
    listed = _read_manifest(out)
    if listed is not None:
        return {*listed, MANIFEST}
    ours = {n for n in ("summary.md", "facts.csv") if _legacy(out / n)}
    if "summary.md" in ours:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = (out / "summary.md").read_text(encoding="utf-8")
            stems = re.findall(r"^- !\[[^\]\n]*\]\(([^()/\\\n]+)\.png\)$", text, re.M)
            ours |= {f"{stem}.{ext}" for stem in stems for ext in ("png", "svg")}
    return ours


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry(src_dir: Path, dst_dir: Path, names: Sequence[str]) -> None:
    """The user's own entries of the old folder, into the new one (hard links when the
    file system allows, else copies; symbolic links stay links)."""
    for name in names:
        src, dst = src_dir / name, dst_dir / name
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        elif src.is_dir():
            shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(src), str(dst))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not glibc 2.28+
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # this file system cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, out: Path, old_prefix: str) -> Path | None:
    """Put ``new`` in place of ``out``; return where the old folder now is (or None)."""
    if not os.path.lexists(out):
        os.rename(new, out)
        return None
    if _exchange(new, out):
        return new  # ``new`` now holds the old report
    old = out.parent / f"{old_prefix}{secrets.token_hex(6)}"
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    return old


def _clean_stale(out: Path, new_prefix: str, old_prefix: str, say: Say) -> None:
    """Temporary folders of earlier runs that were stopped: restore an old report that a
    stop between two renames left aside, remove the rest."""
    parent = out.parent
    legacy = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}")  # before manifests
    stale = [p for p in parent.iterdir()
             if p.is_dir() and not p.is_symlink() and (
                 p.name.startswith((new_prefix, old_prefix))
                 or (legacy.fullmatch(p.name) and all(
                     f.is_file() and re.fullmatch(r".+\.(png|svg)|summary\.md|facts\.csv",
                                                  f.name) for f in p.iterdir())))]
    if not os.path.lexists(out):
        olds = sorted((p for p in stale if p.name.startswith(old_prefix)),
                      key=lambda p: p.stat().st_mtime)
        if olds:
            os.rename(olds[-1], out)
            stale.remove(olds[-1])
            say(f"restored the report in {out} that a stopped run had set aside")
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    if stale:
        say(f"removed {len(stale)} temporary folder(s) left by a stopped run")


@contextlib.contextmanager
def _locked(lock: Path, out: Path, say: Say, wait: float) -> Iterator[None]:
    """Hold the lock of ``out`` (a file beside it holding the pid); wait up to ``wait``
    seconds for another run, then stop with a message."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    deadline = time.monotonic() + wait
    told = False
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    while True:
        if fcntl is None:  # pragma: no cover - an exclusive create instead
            try:
                fd = os.open(lock, flags | os.O_EXCL, 0o644)
                break
            except FileExistsError:
                fd = -1
        else:
            fd = os.open(lock, flags, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            else:
                try:  # the holder may have removed the file between our open and lock
                    same = os.stat(lock, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    same = False
                if same:
                    break
                os.close(fd)
                continue
        holder = _holder(lock)
        if fd >= 0:
            os.close(fd)
        if time.monotonic() >= deadline:
            raise InputError(
                f"out: another conflictstats run{holder} is writing the report in {out}; it "
                f"has not finished after {wait:g} s, so nothing was written. Try again when it "
                "has finished" + (f" (or delete {lock} if no run is active)"
                                  if fcntl is None else ""))
        if not told:
            say(f"waiting: another conflictstats run{holder} is writing to {out}")
            told = True
        time.sleep(_POLL)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _holder(lock: Path) -> str:
    try:
        pid = lock.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _new_folder(parent: Path, prefix: str) -> Path:
    while True:
        path = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            os.mkdir(path, 0o777)  # the umask applies, as for any new folder
            return path
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def write_report(out: str | os.PathLike[str], build: Callable[[Path], Sequence[str]], *,
                 meta: Mapping[str, Any] | None = None, say: Say | None = None,
                 wait: float | None = None) -> list[str]:
    """Build a report with ``build(folder)`` and swap it in place of ``out`` as a whole.

    ``build`` writes its files into the empty folder it is given and returns their
    names. Then the manifest is written, the user's own entries of ``out`` (those no
    earlier manifest lists) are carried over, and the folder is swapped in; the old
    one is removed last. Until the swap ``out`` is untouched: an exception in
    ``build`` (or anywhere before the swap) leaves it as it was and removes the new
    folder. A new file whose name is taken by one of the user's files stops the run.

    Returns the names written (without the manifest).
    """
    tell: Say = say or (lambda _msg: None)
    given = Path(out)
    if given.exists() and not given.is_dir():
        raise InputError(f"out: {given} is a file, not a folder")
    target = given.resolve()  # a link to a folder: the folder it points at is replaced
    _refuse_shared(given, target)
    if os.path.ismount(target):
        raise InputError(f"out: {given} is a mount point; the report is swapped in as a "
                         "whole folder, which cannot replace a mount point: give a folder "
                         f"inside it, e.g. {given / 'report'}")
    new_prefix, old_prefix, lock = _paths(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(lock, given, tell, LOCK_WAIT if wait is None else wait):
            _clean_stale(target, new_prefix, old_prefix, tell)
            new = _new_folder(target.parent, new_prefix)
            try:
                names = list(build(new))
                old = _install(new, target, names, old_prefix, meta)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        raise InputError(f"out: cannot write to {given} "
                         f"({err.strerror or err}); nothing was changed there") from None
    return names


def _refuse_shared(given: Path, target: Path) -> None:
    """The report replaces its folder as a whole: never the current folder (or one
    above it), the home folder or a file system's root."""
    cwd = Path.cwd().resolve()
    what = ("the file system's root" if target.parent == target else "the current folder"
            if target == cwd else "a folder above the current one" if target in cwd.parents
            else "your home folder" if target == Path.home().resolve() else "")
    if what:
        raise InputError(f"out: {given} is {what}; the report replaces its folder as a "
                         "whole, so give it a folder of its own, e.g. "
                         f"{given / 'conflictstats_report'}")


def _install(new: Path, out: Path, names: list[str], old_prefix: str,
             meta: Mapping[str, Any] | None) -> Path | None:
    """Manifest, carry-over and swap; returns the old folder, for removal."""
    from . import __version__

    kept: list[str] = []
    if out.is_dir():
        ours = _ours(out)
        kept = sorted(e.name for e in os.scandir(out) if e.name not in ours)
        taken = sorted(set(names) & set(kept))
        if taken:
            raise InputError(
                f"out: {out / taken[0]} was not written by conflictstats (no report manifest "
                "lists it) and the report would replace it, so nothing was written; move it "
                "away or choose another folder")
    manifest = {"written_by": f"conflictstats {__version__}", "files": sorted(names),
                **(meta or {})}
    (new / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str) + "\n",
                                encoding="utf-8")
    _carry(out, new, kept)
    if out.is_dir():
        os.chmod(new, stat.S_IMODE(out.stat().st_mode))
    old = _swap(new, out, old_prefix)
    if old is not None:
        _late_files(old, out, {*kept, *_ours(old)})
    return old


def _late_files(old: Path, out: Path, skip: set[str]) -> None:
    """Files the user added to the old folder while the report was being built, moved
    into the new one (best effort: the report is already in place)."""
    with contextlib.suppress(OSError):
        for e in os.scandir(old):
            if e.name not in skip and not os.path.lexists(out / e.name):
                with contextlib.suppress(OSError):
                    os.rename(e.path, out / e.name)
