"""`python -m tests.specs fetch`: the pinned vendor documents, checked by sha256, into a
git-ignored folder; and where the contract tests find their documents, or why they cannot.

The real addresses (raw.githubusercontent.com) are not reachable from the test machine:
a server on 127.0.0.1 serves the files of the documents folder at the same paths.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from . import specs
from .specs import DOCUMENTS, FetchError, Required, Unavailable, fetch, locate


class _Raw(ThreadingHTTPServer):
    """raw.githubusercontent.com in small: /<repo>/<commit>/<path> -> a file's bytes."""

    def __init__(self, files: dict[str, bytes]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files = files
        self.asked: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Raw

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        data = self.server.files.get(self.path)
        self.send_response(200 if data is not None else 404)
        self.send_header("Content-Length", str(len(data or b"")))
        self.end_headers()
        self.wfile.write(data or b"")

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def raw(specs_dir):
    """Serves each document at its pinned path; tests may change ``files`` before fetching."""
    files = {doc.url(""): (specs_dir / doc.local).read_bytes() for doc in DOCUMENTS}
    server = _Raw(files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_pins_are_the_documents_the_tests_are_written_against(specs_dir):
    for doc in DOCUMENTS:
        assert hashlib.sha256((specs_dir / doc.local).read_bytes()).hexdigest() == doc.sha256, doc.local
        assert doc.url() == f"https://raw.githubusercontent.com/{doc.repo}/{doc.commit}/{doc.path}"
        assert len(doc.commit) == 40


def test_fetch_saves_every_document_under_the_names_the_tests_read(raw, specs_dir, tmp_path):
    dest = tmp_path / ".specs"
    urls = fetch(dest, base_url=raw.url)
    assert urls == [doc.url(raw.url) for doc in DOCUMENTS]
    assert sorted(raw.asked) == sorted(doc.url("") for doc in DOCUMENTS)
    for doc in DOCUMENTS:
        assert (dest / doc.local).read_bytes() == (specs_dir / doc.local).read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".specs"]  # no download folder left behind
    # the contract tests use it when ../shared is not there
    assert locate(shared=tmp_path / "no-shared", fetched=dest) == dest


def test_a_document_that_is_not_the_pinned_one_keeps_nothing(raw, tmp_path):
    dest = tmp_path / ".specs"
    fetch(dest, base_url=raw.url)
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    changed = DOCUMENTS[3]
    raw.files[changed.url("")] += b"# changed\n"
    with pytest.raises(FetchError) as caught:
        fetch(dest, base_url=raw.url)
    digest = hashlib.sha256(raw.files[changed.url("")]).hexdigest()
    assert str(caught.value) == (f"{changed.url(raw.url)}: sha256 is {digest}, expected {changed.sha256} "
                                 "(the pinned file); nothing was kept")
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before  # the good copy stays
    assert sorted(p.name for p in tmp_path.iterdir()) == [".specs"]

    fresh = tmp_path / "fresh"
    with pytest.raises(FetchError):
        fetch(fresh, base_url=raw.url)
    assert not fresh.exists()


def test_a_missing_document_is_an_error_naming_its_address(raw, tmp_path):
    del raw.files[DOCUMENTS[0].url("")]
    with pytest.raises(FetchError) as caught:
        fetch(tmp_path / ".specs", base_url=raw.url)
    assert str(caught.value) == f"{DOCUMENTS[0].url(raw.url)}: HTTP 404 Not Found; nothing was kept"
    assert not (tmp_path / ".specs").exists()


def test_the_command_fetches_from_the_clones_root(raw, tmp_path):
    dest = tmp_path / "copy"
    done = subprocess.run([sys.executable, "-m", "tests.specs", "fetch", "--base-url", raw.url, "--dest", str(dest)],
                          cwd=specs.ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{len(DOCUMENTS)} documents checked (sha256) and saved in {dest}\n"
    assert locate(shared=tmp_path / "no-shared", fetched=dest) == dest

    raw.files[DOCUMENTS[-1].url("")] = b"not it"
    failed = subprocess.run([sys.executable, "-m", "tests.specs", "fetch", "--base-url", raw.url, "--dest",
                             str(tmp_path / "other")], cwd=specs.ROOT, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith(f"error: {DOCUMENTS[-1].url(raw.url)}: sha256 is ")


def test_without_documents_the_contract_tests_are_skipped_except_under_ci(tmp_path):
    shared, fetched = tmp_path / "shared" / "specs", tmp_path / ".specs"
    with pytest.raises(Unavailable) as caught:
        locate(shared=shared, fetched=fetched)
    assert str(caught.value) == (f"no vendor API descriptions: neither {shared} nor {fetched}; "
                                 "run `python -m tests.specs fetch` from the clone's root to download them")
    with pytest.raises(Required) as caught:  # CI never skips them
        locate(shared=shared, fetched=fetched, ci=True)
    assert str(caught.value) == f"the vendor API descriptions are missing: CI runs the contract tests from {shared}"


def test_where_the_contract_tests_find_their_documents(tmp_path, specs_dir):
    shared, fetched = tmp_path / "shared" / "specs", tmp_path / ".specs"
    for doc in DOCUMENTS:
        (fetched / doc.local).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(specs_dir / doc.local, fetched / doc.local)
    assert locate(shared=shared, fetched=fetched) == fetched
    with pytest.raises(Required):
        locate(shared=shared, fetched=fetched, ci=True)
    (fetched / DOCUMENTS[5].local).write_text("edited", "utf-8")
    with pytest.raises(Unavailable) as caught:
        locate(shared=shared, fetched=fetched)
    assert str(caught.value) == (f"{fetched / DOCUMENTS[5].local} is missing or not the pinned file; "
                                 "run `python -m tests.specs fetch` again")

    shared.mkdir(parents=True)
    (shared / "README.md").write_text("the shared folder", "utf-8")
    assert locate(shared=shared, fetched=fetched, ci=True) == shared
