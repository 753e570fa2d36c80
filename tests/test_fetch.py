"""fetch_dataset hardened: no write through a planted link, one deadline per download,
and a cached copy that fails its checksum is named, with both digests.

Every download here is from a local http.server on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import re
import threading
import time
import warnings
from collections.abc import Iterator

import pytest

import conflictstats as cs
from conflictstats.sources import _fetch
from conflictstats.sources._fetch import DATASETS, fetch_dataset

CONTENT = b"date,area\n2022-02-24 00:00:00,1.0\n" * 50


class _Handler(http.server.BaseHTTPRequestHandler):
    drip = 0.0  # seconds between bytes: a server that trickles its answer
    sent = 0

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(CONTENT)))
        self.end_headers()
        if not self.drip:
            self.wfile.write(CONTENT)
            return
        try:
            for k in range(len(CONTENT)):
                self.wfile.write(CONTENT[k:k + 1])
                self.wfile.flush()
                type(self).sent = k + 1
                time.sleep(self.drip)
        except OSError:  # the client gave up
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"drip": 0.0, "sent": 0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/territory.csv", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def toy(server, monkeypatch):
    url, handler = server
    entry = {"url": url, "filename": "territory.csv",
             "sha256": hashlib.sha256(CONTENT).hexdigest()}
    monkeypatch.setitem(DATASETS, "toy", entry)
    return entry, handler


def test_a_download_from_a_local_server_lands_in_the_cache(tmp_path, toy):
    path = fetch_dataset("toy", cache_dir=tmp_path)
    assert path == tmp_path / "toy" / "territory.csv" and path.read_bytes() == CONTENT
    assert os.listdir(path.parent) == ["territory.csv"]  # no partial file left


def test_a_planted_part_symlink_is_not_written_through(tmp_path, toy):
    folder = tmp_path / "toy"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    # the names a partial file had before (territory.csv.part) and has now (.territory.csv.*)
    for name in ("territory.csv.part", ".territory.csv.part"):
        (folder / name).symlink_to(victim)
    path = fetch_dataset("toy", cache_dir=tmp_path)
    assert victim.read_bytes() == b"precious"
    assert path.read_bytes() == CONTENT and not path.is_symlink()
    assert all((folder / n).is_symlink() for n in ("territory.csv.part", ".territory.csv.part"))


def test_a_server_that_trickles_bytes_is_stopped_by_one_deadline(tmp_path, toy):
    _entry, handler = toy
    handler.drip = 0.05  # one byte every 50 ms, each read well within its own timeout
    with pytest.raises(ConnectionError, match=r"took longer than 0\.5 s"):
        fetch_dataset("toy", cache_dir=tmp_path, deadline=0.5)
    # stopped long before the whole answer (1,700 bytes = 85 s at this pace) came
    assert handler.sent < len(CONTENT) // 4
    assert os.listdir(tmp_path / "toy") == []  # the partial file is removed


def test_a_cached_copy_that_fails_its_checksum_says_so_and_what_to_do(tmp_path, toy):
    entry, _ = toy
    path = fetch_dataset("toy", cache_dir=tmp_path)
    path.write_bytes(CONTENT + b"tampered")
    found = hashlib.sha256(CONTENT + b"tampered").hexdigest()
    with pytest.raises(ValueError, match=(
            rf"cached copy .*territory\.csv failed its checksum: expected sha256 "
            rf"{entry['sha256']}, found {found}.*Delete it.*force=True")):
        fetch_dataset("toy", cache_dir=tmp_path)
    assert path.read_bytes() == CONTENT + b"tampered"  # never replaced silently
    assert fetch_dataset("toy", cache_dir=tmp_path, force=True).read_bytes() == CONTENT


def test_a_wrong_download_leaves_the_cached_file_and_no_partial_file(tmp_path, toy,
                                                                       monkeypatch):
    entry, _ = toy
    path = fetch_dataset("toy", cache_dir=tmp_path)
    monkeypatch.setitem(DATASETS, "toy", {**entry, "sha256": "0" * 64})
    with pytest.raises(ValueError, match="checksum mismatch.*the file was not kept"):
        fetch_dataset("toy", cache_dir=tmp_path, force=True)
    assert path.read_bytes() == CONTENT and os.listdir(path.parent) == ["territory.csv"]


def test_the_cached_file_is_as_readable_as_its_folder(tmp_path, toy):
    folder = tmp_path / "toy"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    path = fetch_dataset("toy", cache_dir=tmp_path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_the_deadline_is_checked_between_reads_not_once_per_read(monkeypatch):
    # a fake response: every read brings one byte; the clock moves 1 s per read
    clock = iter(range(1000))
    monkeypatch.setattr(_fetch.time, "monotonic", lambda: float(next(clock)))

    class Slow:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def read1(self, n):
            return b"x"

    monkeypatch.setattr(_fetch.urllib.request, "urlopen", lambda url, timeout: Slow())
    written = []

    class Sink:
        def write(self, b):
            written.append(b)

    with pytest.raises(TimeoutError, match="longer than 3 s"):
        _fetch._download("http://127.0.0.1/x", Sink(), deadline=3.0)
    assert len(written) == 3  # reads at t = 1, 2, 3 s; the one after 3 s is refused


# --------------------------------------------------------------------------- releases


class _Opener:
    """A fake urlopen: records the addresses asked for and answers with ``content``."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> _Opener:
        self.urls.append(url)
        self.left = self.content
        return self

    def __enter__(self) -> _Opener:
        return self

    def __exit__(self, *a: object) -> bool:
        return False

    def read1(self, n: int) -> bytes:
        block, self.left = self.left[:n], self.left[n:]
        return block


RELEASE = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def opener(monkeypatch) -> _Opener:
    fake = _Opener(b"date,area\n2022-02-24,1.0\n")
    monkeypatch.setattr(_fetch.urllib.request, "urlopen", fake)
    return fake


def test_a_release_is_fetched_from_its_commit_into_its_own_folder(tmp_path, opener):
    pinned = DATASETS["liveuamap_territory"]["url"]
    with pytest.warns(cs.DataWarning, match="no pinned checksum for this release") as rec:
        path = fetch_dataset("liveuamap_territory", cache_dir=tmp_path, release=RELEASE)
    assert opener.urls == [pinned.replace("dc0847a241adf53c3a67739db9ae6791c94cf291", RELEASE)]
    assert path == tmp_path / f"liveuamap_territory@{RELEASE}" / "territory.csv"
    assert path.read_bytes() == opener.content
    digest = hashlib.sha256(opener.content).hexdigest()
    assert digest in str(rec[0].message)
    record = path.with_name("territory.csv.sha256")
    assert record.read_text("ascii") == f"{digest}  territory.csv\n"
    assert sorted(os.listdir(path.parent)) == ["territory.csv", "territory.csv.sha256"]
    # cached: no second download, no warning; a changed copy is refused with both digests
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fetch_dataset("liveuamap_territory", cache_dir=tmp_path, release=RELEASE) == path
    assert len(opener.urls) == 1
    path.write_bytes(b"changed")
    with pytest.raises(ValueError, match=rf"expected sha256 {digest}, found "
                       rf"{hashlib.sha256(b'changed').hexdigest()}.*force=True"):
        fetch_dataset("liveuamap_territory", cache_dir=tmp_path, release=RELEASE)


def test_a_release_with_its_sha256_is_checked_and_not_kept_when_wrong(tmp_path, opener):
    digest = hashlib.sha256(opener.content).hexdigest()
    with pytest.raises(ValueError, match=f"expected sha256 {'0' * 64}, got {digest}; the "
                       "file was not kept"):
        fetch_dataset("oryx_daily", cache_dir=tmp_path, release=RELEASE, sha256="0" * 64)
    assert os.listdir(tmp_path / f"oryx_daily@{RELEASE}") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pinned by the caller: nothing to report
        path = fetch_dataset("oryx_daily", cache_dir=tmp_path, release=RELEASE.upper(),
                             sha256=digest.upper())
    assert path.read_bytes() == opener.content and os.listdir(path.parent) == ["daily_count.csv"]


def test_a_release_must_be_a_full_commit(tmp_path, opener):
    for bad in ("main", RELEASE[:7], "../" + RELEASE[3:]):
        with pytest.raises(ValueError, match=rf"40 hex digits.*got '{re.escape(bad)}'"):
            fetch_dataset("oryx_daily", cache_dir=tmp_path, release=bad)
    with pytest.raises(ValueError, match="sha256 must be 64 hex digits"):
        fetch_dataset("oryx_daily", cache_dir=tmp_path, release=RELEASE, sha256="abc")
    with pytest.raises(ValueError, match="give release= too"):
        fetch_dataset("oryx_daily", cache_dir=tmp_path, sha256="0" * 64)
    assert opener.urls == [] and not os.listdir(tmp_path)


def test_the_pinned_commit_as_release_is_the_pinned_file(tmp_path, opener, monkeypatch):
    entry = DATASETS["oryx_daily"]
    monkeypatch.setitem(DATASETS, "oryx_daily", {
        **entry, "sha256": hashlib.sha256(opener.content).hexdigest()})
    path = fetch_dataset("oryx_daily", cache_dir=tmp_path,
                         release="a8624b4781666b73440fba89824133cb41531a72")
    assert path == tmp_path / "oryx_daily" / "daily_count.csv"
    assert opener.urls == [entry["url"]]
