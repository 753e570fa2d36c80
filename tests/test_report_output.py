"""Output that never harms: the weekly report's folder, names and text from data.

The report is built in a new folder beside ``--out`` and swapped in whole
(:mod:`conflictstats._output`); these tests plant the user's own files, stop runs at
every step (an exception, and SIGKILL in a subprocess), run two at once, and feed
hostile text (formulas, Markdown, HTML, dollar signs) through the data.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import conflictstats as cs
from conflictstats import _output
from conflictstats._output import MANIFEST, chart_stem, csv_cells, md_text, write_report
from conflictstats.cli import main
from conflictstats.report import weekly_report

SRC = Path(__file__).resolve().parents[1] / "src"
USER = {"holiday_photo.png": b"\x89PNG my holiday", "logo.svg": b"<svg>mine</svg>",
        "notes.txt": b"my notes"}


def _obs(entities=("Ukraine",), metric="drones_launched", start="2024-10-01",
         end="2024-11-30", step=0.0):
    """Daily counts of one metric per entity (Poisson around 50, falling by ``step`` a day)."""
    days = pd.date_range(start, end)
    rng = np.random.default_rng(3)
    frames = [pd.DataFrame({
        "metric": metric, "value": rng.poisson(np.maximum(50 - step * np.arange(len(days)), 1)),
        "unit": "count", "kind": "flow", "start": days, "end": days, "entity": e,
        "source": "test"}) for e in entities]
    return pd.concat(frames, ignore_index=True)


def _plant(out: Path) -> None:
    """The user's own things in the report folder: files, a folder, a link."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in USER.items():
        (out / name).write_bytes(data)
    (out / "drafts").mkdir()
    (out / "drafts" / "story.md").write_bytes(b"draft")
    (out / "latest").symlink_to("notes.txt")


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry below ``folder``: bytes of files, targets of links, mtimes."""
    snap: dict[str, object] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            snap[rel] = ("link", os.readlink(p))
        elif p.is_file():
            snap[rel] = (p.read_bytes(), p.stat().st_mtime_ns)
        else:
            snap[rel] = "dir"
    return snap


def _user_files_intact(out: Path) -> bool:
    return (all((out / n).read_bytes() == d for n, d in USER.items())
            and (out / "drafts" / "story.md").read_bytes() == b"draft"
            and os.readlink(out / "latest") == "notes.txt")


@pytest.fixture
def quick_charts(monkeypatch):
    """Charts as small files under their real names: for tests of the folder, not the
    drawing (which takes seconds a chart)."""
    from conflictstats.report import charts as R  # the charts are drawn there

    def draw(folder, item, *args):
        stem = chart_stem(item.dataset, item.key)
        for ext in ("png", "svg"):
            (folder / f"{stem}.{ext}").write_bytes(b"chart")
        return [f"{stem}.png", f"{stem}.svg"]

    monkeypatch.setattr(R, "_draw", draw)


def _beside(out: Path) -> list[str]:
    """Temporary folders or lock files of a run left beside ``out``."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --------------------------------------------------------------------------- the user's files


def test_the_users_own_files_are_kept_and_an_earlier_reports_files_replaced(tmp_path, quick_charts):
    out = tmp_path / "report"
    _plant(out)
    first = weekly_report({"first": _obs()}, out=out)
    second = weekly_report({"second": _obs()}, out=out)
    names = {p.name for p in out.iterdir()}
    wrote = {Path(f).name for f in second.files}
    assert names == wrote | set(USER) | {"drafts", "latest", MANIFEST}
    # the first report's charts (another dataset, other names) went with its manifest
    assert not {Path(f).name for f in first.files} - wrote & names
    assert _user_files_intact(out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(wrote)
    assert manifest["week_end"] == str(second.week_end.date())
    assert _beside(out) == []


def test_a_users_own_facts_csv_stops_the_run_and_nothing_changes(tmp_path, quick_charts):
    out = tmp_path / "report"
    _plant(out)
    (out / "facts.csv").write_text("my,own\n1,2\n")  # no manifest lists it
    before = _snapshot(out)
    with pytest.raises(cs.InputError, match=r"facts\.csv was not written by conflictstats.*"
                                            "nothing was written"):
        weekly_report({"t": _obs()}, out=out)
    assert _snapshot(out) == before and _beside(out) == []


def test_a_report_written_before_manifests_existed_is_replaced(tmp_path, quick_charts):
    out = tmp_path / "report"
    _plant(out)
    (out / "summary.md").write_text("# Weekly report: 4 Nov 2024 to 10 Nov 2024\n\n"
                                    "## Charts\n\n- ![t__drones](t__drones.png)\n")
    (out / "facts.csv").write_text("dataset,series,metric,group\n")
    for ext in ("png", "svg"):  # the charts that summary lists
        (out / f"t__drones.{ext}").write_text("old chart")
    (out / "t__other.png").write_text("a chart no summary lists: kept")
    rep = weekly_report({"t": _obs()}, out=out)
    assert (out / "summary.md").read_text(encoding="utf-8").startswith(rep.summary)
    assert not (out / "t__drones.png").exists() and not (out / "t__drones.svg").exists()
    assert (out / "t__other.png").exists() and _user_files_intact(out)


def test_a_link_to_a_folder_as_out_keeps_the_link_and_fills_its_folder(tmp_path, quick_charts):
    real = tmp_path / "real"
    _plant(real)
    (tmp_path / "link").symlink_to(real)
    weekly_report({"t": _obs()}, out=tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (real / "summary.md").exists()
    assert _user_files_intact(real)


def test_the_current_folder_or_home_is_never_replaced(tmp_path, monkeypatch):
    _plant(tmp_path / "here")
    monkeypatch.chdir(tmp_path / "here")
    before = _snapshot(tmp_path)
    for out, what in ((".", "the current folder"), (str(tmp_path), "a folder above the "
                      "current one"), ("/", "the file system's root")):
        with pytest.raises(cs.InputError, match=f"is {what}; .*a folder of its own"):
            write_report(out, _build(NEW))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    with pytest.raises(cs.InputError, match="is your home folder"):
        write_report(tmp_path / "home", _build(NEW))
    assert _snapshot(tmp_path) == {**before, "home": "dir"}


# --------------------------------------------------------------------------- exits 1 and 2


def _csv(tmp_path: Path, frame: pd.DataFrame, name: str) -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_a_run_that_exits_1_or_2_leaves_a_good_report_unchanged(tmp_path, capsys,
                                                                monkeypatch, quick_charts):
    out = tmp_path / "report"
    _plant(out)
    good = _csv(tmp_path, _obs(), "good.csv")
    assert main(["weekly", "--data", good, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    before = _snapshot(out)
    # nothing to report: a secondary metric only (no headline series, no sentence)
    quiet = _csv(tmp_path, _obs(metric="drones_still_attacking"), "quiet.csv")
    assert main(["weekly", "--data", quiet, "--out", str(out), "--quiet"]) == 1
    assert "nothing to report" in capsys.readouterr().err
    assert _snapshot(out) == before
    # a week outside the data
    assert main(["weekly", "--data", good, "--week", "2030-01-06", "--out", str(out),
                 "--quiet"]) == 2
    assert "outside the data" in capsys.readouterr().err
    assert _snapshot(out) == before
    # the disk fails while the charts are drawn
    from conflictstats.report import charts as R  # the charts are drawn there

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(R, "_draw", full)
    assert main(["weekly", "--data", good, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0]
    assert _snapshot(out) == before and _beside(out) == []


def test_nothing_is_written_when_there_is_nothing_to_report(tmp_path, quick_charts):
    rep = weekly_report({"t": _obs(metric="drones_still_attacking")}, out=tmp_path / "r")
    assert rep.files == () and not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- chart names


def test_names_that_slug_alike_give_distinct_chart_files(tmp_path):
    rep = weekly_report({"t": _obs(entities=("Україна", "Росія"))}, out=tmp_path / "r")
    pngs = [Path(f).name for f in rep.files if f.endswith(".png")]
    assert len(pngs) == 2 and len(set(pngs)) == 2
    assert all(re.fullmatch(r"t__drones_launched-[0-9a-f]{8}\.png", n) for n in pngs)
    long = "x" * 70
    assert chart_stem("d", long + "a") != chart_stem("d", long + "b")
    assert chart_stem("d", long + "a").startswith("d__" + "x" * 60 + "-")
    assert chart_stem("d", "a") == chart_stem("d", "a")  # stable from week to week


# --------------------------------------------------------------------------- stops


NEW = {"summary.md": "new summary", "facts.csv": "new,facts\n", "c-1.png": "new chart"}
OLD = {"summary.md": "old summary", "facts.csv": "old,facts\n", "c-0.png": "old chart"}


def _build(files: dict[str, str]):
    def build(folder: Path) -> list[str]:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return list(files)
    return build


def _old_report(out: Path) -> None:
    write_report(out, _build(OLD))
    _plant(out)


def _whole(out: Path) -> str:
    """"old" or "new" when ``out`` holds that report whole with the user's files, else ""."""
    if not out.is_dir() or not _user_files_intact(out):
        return ""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for label, files in (("old", OLD), ("new", NEW)):
        ours = {n for n in os.listdir(out)} - {*USER, "drafts", "latest", MANIFEST}
        if ours == set(files) and sorted(manifest["files"]) == sorted(files) and all(
                (out / n).read_text(encoding="utf-8") == t for n, t in files.items()):
            return label
    return ""


@pytest.mark.parametrize("exchange", [True, False], ids=["one-step swap", "two renames"])
def test_an_error_at_any_step_of_the_swap_leaves_the_old_report_whole(tmp_path, monkeypatch,
                                                                      exchange):
    ops = {"link": os.link, "symlink": os.symlink, "rename": os.rename, "mkdir": os.mkdir}
    real_exchange = _output._exchange
    k = 0
    while True:
        k += 1
        out = tmp_path / f"run{k}" / "report"
        _old_report(out)
        count = 0

        def failing(fn, k=k):
            def op(*args, **kwargs):
                nonlocal count
                count += 1
                if count == k:
                    raise OSError(errno.EIO, "Input/output error")
                return fn(*args, **kwargs)
            return op

        with monkeypatch.context() as m:
            for name, fn in ops.items():
                m.setattr(_output.os, name, failing(fn))
            m.setattr(_output, "_exchange", failing(real_exchange) if exchange
                      else lambda a, b: False)
            try:
                write_report(out, _build(NEW))
            except cs.InputError as err:
                assert "nothing was changed" in str(err)
                assert _whole(out) == "old", k
            else:  # a hard link that failed was copied instead; past the last step: done
                assert _whole(out) == "new", k
                if k > count:
                    break
        assert _beside(out) == [], k
    assert k > 6  # the carried files, the folder, the link and the swap


_KILLER = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from conflictstats import _output

    out, when, exchange = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    def kill():
        os.kill(os.getpid(), signal.SIGKILL)
    if not exchange:
        _output._exchange = lambda a, b: False
    if when == "after swap":
        _output.shutil.rmtree = lambda *a, **k: kill()
    if when == "between renames":
        real = os.rename
        def rename(a, b):
            real(a, b)
            if ".conflictstats-old-" in str(b):
                kill()
        _output.os.rename = rename
    if when == "before swap":
        _output._swap = lambda *a: kill()
    def build(folder):
        (folder / "summary.md").write_text("new summary")
        if when == "while drawing":
            kill()
        (folder / "facts.csv").write_text("new,facts\\n")
        (folder / "c-1.png").write_text("new chart")
        return ["summary.md", "facts.csv", "c-1.png"]
    _output.write_report(out, build)
""")


@pytest.mark.parametrize(("when", "exchange", "expect"), [
    ("while drawing", True, "old"), ("before swap", True, "old"),
    ("after swap", True, "new"), ("between renames", False, "old")])
def test_a_kill_during_the_run_leaves_the_old_or_the_new_report_whole(tmp_path, when,
                                                                      exchange, expect):
    out = tmp_path / "report"
    _old_report(out)
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(out), when, str(int(exchange))],
                          env={**os.environ, "PYTHONPATH": str(SRC)}, capture_output=True,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    if when == "between renames":
        # killed between the two renames: the old report waits whole beside ``out``, and
        # the next run puts it back before anything else
        # the old report, the new one, the lock file (released by the kernel, not removed)
        assert not out.exists() and len(_beside(out)) == 3
        write_report(out, _build(NEW))
        assert _whole(out) == "new"
    else:
        assert _whole(out) == expect
        write_report(out, _build(NEW))  # the next run removes what the killed one left
        assert _whole(out) == "new"
    assert _beside(out) == []


def test_stale_folders_of_killed_runs_are_removed_and_others_kept(tmp_path):
    out = tmp_path / "report"
    _old_report(out)
    for name in (".report.conflictstats-new-0a1b2c3d4e5f", ".report.k3j4h5g6"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x__y.png").write_bytes(b"half a chart")
    (tmp_path / ".report.backup").mkdir()  # not ours: kept
    (tmp_path / ".report.abcdefgh").mkdir()  # our old name pattern, but the user's notes
    (tmp_path / ".report.abcdefgh" / "notes.txt").write_text("mine")
    said: list[str] = []
    write_report(out, _build(NEW), say=said.append)
    assert _beside(out) == [".report.abcdefgh", ".report.backup"]
    assert any("removed 2 temporary folder(s)" in s for s in said)


# --------------------------------------------------------------------------- two runs


def test_a_second_run_into_the_same_folder_stops_with_a_message(tmp_path, capsys,
                                                                monkeypatch, quick_charts):
    out = tmp_path / "report"
    _old_report(out)
    before = _snapshot(out)
    _new, _old, lock = _output._paths(out)
    monkeypatch.setattr(_output, "LOCK_WAIT", 0.3)
    good = _csv(tmp_path, _obs(), "good.csv")
    with _output._locked(lock, out, lambda s: None, 0):  # another run is writing
        code = main(["weekly", "--data", good, "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and f"another conflictstats run (pid {os.getpid()}) is writing" in err
    assert "nothing was written" in err
    assert _snapshot(out) == before and _beside(out) == []


def test_concurrent_runs_wait_for_each_other_and_leave_one_whole_report(tmp_path):
    out = tmp_path / "report"
    _old_report(out)
    active, overlap, said = [0], [], []

    def build(folder: Path) -> list[str]:
        active[0] += 1
        overlap.append(active[0])
        time.sleep(0.3)  # a build long enough for the other run to arrive
        names = _build(NEW)(folder)
        active[0] -= 1
        return names

    runs = [threading.Thread(target=write_report, args=(out, build),
                             kwargs={"say": said.append}) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert overlap == [1, 1]  # never two builds at once
    assert any(s.startswith("waiting: another conflictstats run") for s in said)
    assert _whole(out) == "new" and _beside(out) == []


# --------------------------------------------------------------------------- cross-device


def test_a_mount_point_or_a_cross_device_swap_is_one_line_and_deletes_nothing(
        tmp_path, capsys, monkeypatch, quick_charts):
    out = tmp_path / "report"
    _plant(out)
    good = _csv(tmp_path, _obs(), "good.csv")
    assert main(["weekly", "--data", good, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    before = _snapshot(out)

    def exdev(a, b):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(b))

    monkeypatch.setattr(_output, "_exchange", exdev)
    assert main(["weekly", "--data", good, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Invalid cross-device link" in err[0]
    assert "nothing was changed" in err[0]
    assert _snapshot(out) == before and _beside(out) == []
    monkeypatch.setattr(_output.os.path, "ismount", lambda p: Path(p) == out)
    assert main(["weekly", "--data", good, "--out", str(out), "--quiet"]) == 2
    assert "is a mount point" in capsys.readouterr().err
    assert _snapshot(out) == before


# --------------------------------------------------------------------------- hostile text


HOSTILE = ('=HYPERLINK("http://evil.example","x")', "<script>alert(1)</script>",
           "![x](http://evil.example/p.png) `code` [link]")


def test_formula_cells_are_text_in_facts_csv_and_negative_numbers_stay_numbers(tmp_path,
                                                                             monkeypatch):
    from conflictstats.report import charts as R  # the charts are drawn there

    monkeypatch.setattr(R, "_draw", lambda *a: [])  # the cells, not the charts
    out = tmp_path / "r"
    # three entities, each falling by one a day: week-on-week changes are negative
    rep = weekly_report({"@SUM(1+1).csv": _obs(entities=HOSTILE, step=0.5),
                         HOSTILE[0]: _obs(step=0.5)}, out=out)
    with (out / "facts.csv").open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    number = re.compile(r"[+-]?\d[\d,]*(\.\d*)?([eE][+-]?\d+)?")
    formula = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
               and not number.fullmatch(c)]
    assert formula == []
    assert "'@SUM(1+1).csv" in cells and any(c.startswith("'=HYPERLINK") for c in cells)
    negative = [c for c in cells if c.startswith("-") and number.fullmatch(c)]
    assert negative  # a falling series: negative changes, written as numbers
    assert (rep.facts["change"] < 0).any()


def test_markdown_and_html_from_data_are_shown_literally_in_the_summary(tmp_path, quick_charts):
    out = tmp_path / "r"
    rep = weekly_report({"@SUM(1+1).csv": _obs(entities=HOSTILE)}, out=out)
    text = (out / "summary.md").read_text(encoding="utf-8")
    assert text == rep.summary
    assert "<script>" not in text and "![x](" not in text and "`code`" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert r"!\[x\](http://evil.example/p.png) \`code\` \[link\]" in text
    assert "## @SUM(1+1).csv" in text
    assert "**Drones launched (&lt;script&gt;" in text  # the bold lead stays bold


def test_md_text_escapes_what_markdown_or_html_would_act_on():
    assert md_text("line\nbreak\r# and\u202etext") == "line break # and text"
    assert md_text("# heading") == r"\# heading" and md_text("1. item") == r"1\. item"
    assert md_text("_a_ b*c* ~~d~~ \\") == r"\_a\_ b\*c\* \~\~d\~\~ \\"
    assert md_text("missile_attacks_daily.csv") == "missile_attacks_daily.csv"
    assert md_text("&lt; & AT&T") == "&amp;lt; & AT&T"
    plain = "Drones launched (Ukraine): 1,234 on 24 Nov 2024, up 5.1% (−3 km²); ok."
    assert md_text(plain) == plain


def test_csv_cells_quotes_formulas_of_every_kind_and_keeps_numbers():
    f = pd.DataFrame({"t": ["=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx", "-5", "+2.5e3",
                            "ok", None], "n": np.arange(10) - 5.0})
    got = csv_cells(f)
    assert got["t"].iloc[:9].tolist() == ["'=1+1", "'+1+1", "'-1+1", "'@A1", "'\tx", "'\rx",
                                          "-5", "+2.5e3", "ok"]
    assert pd.isna(got["t"].iloc[9])
    assert got["n"].tolist() == f["n"].tolist() and f["t"].iloc[0] == "=1+1"  # a copy


# --------------------------------------------------------------------------- charts


def test_dollar_signs_in_labels_are_drawn_literally_never_as_mathtext(tmp_path,
                                                                      monkeypatch):
    import matplotlib.mathtext

    def no_mathtext(*args, **kwargs):
        raise AssertionError("mathtext used")

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", no_mathtext)
    rep = weekly_report({"t": _obs(entities=("$5 to $10", r"$\foo$"))}, out=tmp_path / "r")
    assert rep.problems.empty
    assert sum(f.endswith(".png") for f in rep.files) == 2


def test_a_chart_that_cannot_be_drawn_is_an_input_problem_of_the_summary(tmp_path,
                                                                         monkeypatch):
    from conflictstats.report import charts as R  # the charts are drawn there

    real = R._draw

    def draw(folder, item, *args):
        if "Russia" in item.key:
            raise ValueError("cannot draw this one")
        return real(folder, item, *args)

    monkeypatch.setattr(R, "_draw", draw)
    rep = weekly_report({"t": _obs(entities=("Russia", "Ukraine"))}, out=tmp_path / "r")
    assert sum(f.endswith(".png") for f in rep.files) == 1
    row = rep.problems.iloc[0]
    assert row["metric"] == "drones launched (Russia)"
    assert row["reason"] == "no chart: ValueError: cannot draw this one"
    text = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "## Input problems" in text and "no chart: ValueError: cannot draw this one" in text
