"""compile fetch: pages saved from a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import threading
import time
import tomllib
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from anthology import __version__
from anthology.core.errors import BuildError
from anthology.fetch.options import USER_AGENT, FetchOptions
from anthology.fetch.pages import fetch_pages, read_url_list
from anthology.fetch.records import fetched_toml, load_fetched, page_file_name

# A 1×1 GIF and the smallest PNG signature plus header, enough to be taken for images.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17

ARTICLE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The river crossing</title></head>
<body><article><h1>The river crossing</h1>
<p>Every monsoon the river takes a bridge.</p>
<figure><img src="/img/bridge.gif" alt="A bamboo bridge" width="800"></figure>
<!-- <img src="/img/commented.gif"> -->
<p>Every dry season, the family builds it back.</p>
<figure><img class="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="
  data-src="../img/rope.png" srcset="../img/rope.png 1x, ../img/rope-2x.png 2x"
  alt="Rope"/></figure>
<img src="/img/bridge.gif" alt="The same bridge again">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Inline only">
<script>var s = '<img src="/img/script.gif">';</script>
</body></html>
"""
CYRILLIC = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    "<title>Революция</title></head><body><p>Вся власть Советам!</p></body></html>"
).encode("cp1251")
GALLERY = b"""<html><body>
<img src="/img/bridge.gif"><img src="/img/gone.gif"><img src="/private/secret.gif">
<img src="http://127.0.0.1:1/elsewhere.gif"><img src="/img/rope.png">
</body></html>"""
# A news page: a logo in the header, two figures in the story, a related story's thumbnail.
STORY_TEXT = b"".join(
    b"<p>The ferry crossing at the delta has run for two hundred years, and the village "
    b"that grew around its landing still counts the days by its timetable. Part %d.</p>" % n
    for n in range(6)
)
STORY = (
    b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The last ferry</title></head>
<body><header class="site-header"><a href="/"><img src="/img/logo.png" alt="Delta News"></a>
<nav><a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>The last ferry</h1>"""
    + STORY_TEXT[:600]
    + b"""<figure><img src="/img/ferry.gif" alt="The ferry"><figcaption>The ferry at dawn.
</figcaption></figure>"""
    + STORY_TEXT[600:]
    + b"""<figure><img src="/img/landing.png" alt="The landing"><figcaption>The landing.
</figcaption></figure></article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/news/bridge">
<img src="/img/thumb-bridge.gif" alt="">The new bridge opens</a></li></ul></aside></main>
<footer><p>Delta News. All rights reserved.</p></footer></body></html>"""
)
ROBOTS = b"""User-agent: anthology
Disallow: /private/

User-agent: *
Disallow: /nobody/
"""


class Site:
    """What the test server serves and what it saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.log: list[tuple[str, float, str]] = []  # (path, time, user agent)
        self.active = 0
        self.most_active = 0
        self.slow = 1.0  # seconds /slow waits before answering
        self.robots_status = 200

    def hit(self, path: str, agent: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.log.append((path, time.monotonic(), agent))
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            return self.hits[path]

    def done(self) -> None:
        with self.lock:
            self.active -= 1


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, status: int, location: str) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            count = site.hit(self.path, self.headers.get("User-Agent", ""))
            try:
                self.route(count)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeouts, size limits): expected
            finally:
                site.done()

        def route(self, count: int) -> None:
            path = self.path.split("?")[0]
            if path == "/robots.txt":
                self.send(site.robots_status, ROBOTS, "text/plain")
            elif path == "/article/river.html":
                self.send(200, ARTICLE)
            elif path == "/img/bridge.gif":
                self.send(200, GIF, "image/gif")
            elif path in ("/img/rope.png", "/img/landing.png", "/img/logo.png"):
                self.send(200, PNG, "image/png")
            elif path in ("/img/ferry.gif", "/img/thumb-bridge.gif"):
                self.send(200, GIF, "image/gif")
            elif path == "/news/ferry":
                self.send(200, STORY)
            elif path == "/redirect/1":
                self.redirect(302, "/redirect/2")
            elif path == "/redirect/2":
                self.redirect(301, f"http://127.0.0.1:{self.server.server_port}/landing")
            elif path == "/landing":
                self.send(200, b"<!DOCTYPE html><html><body><p>Landed.</p></body></html>")
            elif path.startswith("/loop/"):
                self.redirect(302, f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
            elif path == "/flaky":
                if count <= 2:
                    self.send(500, b"<h1>Oops</h1>")
                else:
                    self.send(200, b"<!DOCTYPE html><html><body><p>Third time.</p></body></html>")
            elif path == "/slow":
                time.sleep(site.slow)
                self.send(200, b"<html><body><p>Too late.</p></body></html>")
            elif path == "/huge":
                # No Content-Length: the client must count and stop reading by itself.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>")
                for _ in range(64):
                    self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>\n")
            elif path == "/declared-huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(50_000_000))
                self.end_headers()
                self.wfile.write(b"<html>")
            elif path == "/paper.pdf":
                self.send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf")
            elif path == "/cyrillic":
                self.send(200, CYRILLIC, "text/html; charset=windows-1251")
            elif path.startswith(("/private/", "/nobody/")):
                self.send(200, b"<html><body><p>Secret.</p></body></html>")
            elif path == "/gallery":
                self.send(200, GALLERY)
            elif path.startswith("/page/"):
                self.send(200, b"<html><body><p>" + path.encode() + b"</p></body></html>")
            else:
                self.send(404, b"<h1>Not found</h1>")

    return Handler


@pytest.fixture
def site():
    """A live server on a free port of 127.0.0.1; yields (base URL, Site)."""
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # a client hanging up is not news
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", state
    finally:
        server.shutdown()
        server.server_close()


# Small numbers everywhere: the whole file runs in a few seconds.
FAST = {"delay": 0.0, "timeout": 2.0, "retries": 2, "backoff": 0.01}
# The server sees a request arrive up to this much later than the client started it (busy machine).
ARRIVAL_JITTER = 0.1


def fetch(urls, sources, **options):
    lines: list[str] = []
    result = fetch_pages(urls, sources, FetchOptions(**{**FAST, **options}), report=lines.append)
    return result, lines


def records(sources: Path) -> list[dict]:
    return tomllib.loads((sources / "fetched.toml").read_text(encoding="utf-8"))["page"]


# ------------------------------------------------------------------------------ a page


def test_article_saved_with_its_images_rewritten(site, tmp_path):
    base, state = site
    sources = tmp_path / "sources"
    url = f"{base}/article/river.html"
    before = datetime.now(UTC).replace(microsecond=0)

    result, lines = fetch([url], sources)

    assert not result.failed and not result.skipped
    [page] = result.saved
    name = page_file_name(url)
    assert name == f"127-0-0-1-{base.rsplit(':', 1)[1]}-article-river.html"
    assert page.file == sources / name and page.images == 2 and page.status == 200
    folder = sources / name.replace(".html", "_files")
    assert sorted(p.name for p in folder.iterdir()) == ["bridge.gif", "rope.png"]
    assert (folder / "bridge.gif").read_bytes() == GIF
    assert (folder / "rope.png").read_bytes() == PNG

    saved = page.file.read_bytes()
    stem = name.removesuffix(".html")
    assert saved.count(f'src="{stem}_files/bridge.gif"'.encode()) == 2
    # The lazy image now has one address, the local one: no data-src or srcset to win over it.
    assert f'<img src="{stem}_files/rope.png" class="lazy" alt="Rope" />'.encode() in saved
    assert b"data-src" not in saved and b"srcset" not in saved
    # Images in comments and scripts, and data: images, are left as they were.
    assert b'<!-- <img src="/img/commented.gif"> -->' in saved
    assert b"""'<img src="/img/script.gif">'""" in saved
    assert b'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Inline only">' in saved
    # Everything else is byte for byte what the server sent.
    assert saved.replace(f"{stem}_files/".encode(), b"/img/").startswith(ARTICLE[:250])
    assert "/img/commented.gif" not in state.hits and "/img/script.gif" not in state.hits
    assert state.hits["/img/bridge.gif"] == 1  # one download for two tags

    [record] = records(sources)
    assert record["file"] == name and record["url"] == url and record["final_url"] == url
    assert record["status"] == 200
    assert before <= record["retrieved"] <= datetime.now(UTC) + timedelta(seconds=1)
    assert record["retrieved"].tzinfo is not None and record["retrieved"].utcoffset() == timedelta()
    assert "Z\n" in (sources / "fetched.toml").read_text()
    assert lines == [f"saved sources/{name} and 2 images from {url}"]


def test_only_the_articles_images_are_saved(site, tmp_path):
    base, state = site
    sources = tmp_path / "sources"
    result, lines = fetch([f"{base}/news/ferry"], sources)
    [page] = result.saved
    assert page.images == 2
    folder = sources / page.file.name.replace(".html", "_files")
    assert sorted(p.name for p in folder.iterdir()) == ["ferry.gif", "landing.png"]
    assert "/img/logo.png" not in state.hits and "/img/thumb-bridge.gif" not in state.hits
    assert page.notes == (
        "2 images outside the article (logos, icons, thumbnails) left on the web",
    )
    assert lines[1:] == [f"  note: {page.notes[0]}"]
    saved = page.file.read_bytes()
    assert b'<img src="/img/logo.png" alt="Delta News">' in saved  # left as it was
    assert f'src="{page.file.stem}_files/ferry.gif"'.encode() in saved


def test_images_that_fail_keep_their_tags_and_the_count_is_capped(site, tmp_path):
    base, state = site
    sources = tmp_path / "sources"
    result, lines = fetch([f"{base}/gallery"], sources, max_images=4, retries=0)
    [page] = result.saved
    assert page.images == 1
    assert page.notes == (
        "1 images left on the web (at most 4 per page)",
        f"image {base}/img/gone.gif not saved: HTTP 404 Not Found",
        f"image {base}/private/secret.gif not saved: robots.txt disallows it for anthology",
        "image http://127.0.0.1:1/elsewhere.gif not saved: the connection was refused",
    )
    saved = page.file.read_bytes()
    stem = page.file.stem
    assert f'<img src="{stem}_files/bridge.gif">'.encode() in saved
    assert b'<img src="/img/gone.gif"><img src="/private/secret.gif">' in saved
    assert b'<img src="/img/rope.png">' in saved  # the fifth: over the cap
    assert "/img/rope.png" not in state.hits and "/private/secret.gif" not in state.hits
    assert lines[1:] == [f"  note: {note}" for note in page.notes]


def test_user_agent_names_the_tool_and_its_version(site, tmp_path):
    base, state = site
    fetch([f"{base}/page/a"], tmp_path / "sources")
    agents = {agent for _, _, agent in state.log}
    assert agents == {USER_AGENT}
    assert f"anthology/{__version__}" == USER_AGENT


def test_user_agent_gives_the_contact_from_book_toml(site, tmp_path):
    from click.testing import CliRunner

    from anthology.cli import main

    base, state = site
    (tmp_path / "sources").mkdir()
    book = tmp_path / "sources" / "book.toml"
    book.write_text('title = "Ferries"\n\n[fetch]\ncontact = "editor@example.org"\n')
    runner = CliRunner()
    args = ["fetch", f"{base}/page/a", "--project", str(tmp_path), "--delay", "0"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert {agent for _, _, agent in state.log} == {
        f"anthology/{__version__} (+mailto:editor@example.org)"
    }
    # Without one, fetch says how to set it; a wrong one is a config error with its line.
    book.write_text('title = "Ferries"\n')
    assert "[fetch] contact" in runner.invoke(main, [*args, "--refresh"]).output
    book.write_text('title = "Ferries"\n\n[fetch]\ncontact = "the editor"\n')
    result = runner.invoke(main, [*args, "--refresh"])
    assert result.exit_code != 0
    assert "book.toml:4" in result.output and "contact" in result.output


def test_windows_1251_page_is_saved_byte_for_byte(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    result, _ = fetch([f"{base}/cyrillic"], sources)
    [page] = result.saved
    assert page.file.read_bytes() == CYRILLIC


# ----------------------------------------------------------------------- following and retrying


def test_redirect_chain_is_followed_and_the_final_url_recorded(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    url = f"{base}/redirect/1"
    result, _ = fetch([url], sources)
    [page] = result.saved
    assert page.final_url == f"{base}/landing"
    assert page.file.name == page_file_name(url)  # named after what was asked for
    assert b"Landed." in page.file.read_bytes()
    [record] = records(sources)
    assert record["url"] == url and record["final_url"] == f"{base}/landing"


def test_too_many_redirects_fail_with_a_reason(site, tmp_path):
    base, state = site
    result, _ = fetch([f"{base}/loop/0"], tmp_path / "sources", max_redirects=3)
    [problem] = result.failed
    assert problem.reason == f"more than 3 redirects (the last to {base}/loop/4)"
    assert sum(1 for p in state.hits if p.startswith("/loop/")) == 4


def test_server_errors_are_retried_with_backoff(site, tmp_path):
    base, state = site
    started = time.monotonic()
    result, _ = fetch([f"{base}/flaky"], tmp_path / "sources", retries=2, backoff=0.2)
    [page] = result.saved
    assert b"Third time." in page.file.read_bytes()
    assert state.hits["/flaky"] == 3
    # Exponential: 0.2 s, then 0.4 s.
    assert time.monotonic() - started >= 0.6
    times = [t for path, t, _ in state.log if path == "/flaky"]
    # Lower bounds only, less the jitter of a request's way to the server.
    assert times[1] - times[0] >= 0.2 - ARRIVAL_JITTER
    assert times[2] - times[1] >= 0.4 - ARRIVAL_JITTER


def test_server_errors_beyond_the_retries_fail(site, tmp_path):
    base, state = site
    result, _ = fetch([f"{base}/flaky"], tmp_path / "sources", retries=1)
    [problem] = result.failed
    assert problem.reason == "HTTP 500 Internal Server Error after 2 tries"
    assert state.hits["/flaky"] == 2
    assert not (tmp_path / "sources" / "fetched.toml").exists()


def test_not_found_fails_with_the_status(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    result, lines = fetch([f"{base}/missing"], sources)
    [problem] = result.failed
    assert problem.reason == "HTTP 404 Not Found"
    assert lines == [f"failed {base}/missing: HTTP 404 Not Found"]
    assert not result.ok and list(sources.iterdir()) == []


def test_slow_response_times_out(site, tmp_path):
    base, state = site
    state.slow = 1.0
    started = time.monotonic()
    result, _ = fetch([f"{base}/slow"], tmp_path / "sources", timeout=0.2, retries=1)
    [problem] = result.failed
    assert problem.reason == "no answer within 0.2 s (2 tries)"
    assert state.hits["/slow"] == 2
    assert time.monotonic() - started < 1.9  # two tries of 1 s each would take 2 s


def test_connection_refused_fails_without_raising(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result, _ = fetch([f"http://127.0.0.1:{port}/x"], tmp_path / "sources", retries=1)
    [problem] = result.failed
    assert problem.reason == "the connection was refused (2 tries)"


# ------------------------------------------------------------------------ what is refused


def test_huge_response_stops_reading_at_the_limit(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    result, _ = fetch([f"{base}/huge"], sources, max_bytes=1_000_000)
    [problem] = result.skipped
    assert problem.reason == "is over the 1 MB limit for pages; stopped reading"
    assert not result.saved and list(sources.iterdir()) == []


def test_declared_huge_response_is_not_read(site, tmp_path):
    base, _ = site
    result, _ = fetch([f"{base}/declared-huge"], tmp_path / "sources", max_bytes=1_000_000)
    [problem] = result.skipped
    assert problem.reason == "is 50 MB, over the 1 MB limit for pages"


def test_wrong_content_type_is_skipped(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    result, _ = fetch([f"{base}/paper.pdf"], sources)
    [problem] = result.skipped
    assert problem.reason == "is application/pdf, not a web page"
    assert list(sources.iterdir()) == []


def test_robots_txt_rules_for_our_agent_are_obeyed(site, tmp_path):
    base, state = site
    urls = [f"{base}/private/diary.html", f"{base}/nobody/x.html"]
    result, lines = fetch(urls, tmp_path / "sources")
    [problem] = result.skipped
    assert problem.url == urls[0]
    assert problem.reason == "robots.txt disallows it for anthology"
    # The rules for others (User-agent: *) do not bind us when ours are there.
    assert [p.url for p in result.saved] == [urls[1]]
    assert "/private/diary.html" not in state.hits
    assert state.hits["/robots.txt"] == 1  # read once per host
    assert f"skipped {urls[0]}: robots.txt disallows it for anthology" in lines


def test_robots_txt_server_error_means_keep_out(site, tmp_path):
    base, state = site
    state.robots_status = 503
    result, _ = fetch([f"{base}/page/a", f"{base}/page/b"], tmp_path / "sources", retries=1)
    reason = f"{base}/robots.txt answered HTTP 503 Service Unavailable after 2 tries; "
    assert [p.reason for p in result.failed] == [reason + "not fetching without it"] * 2
    assert state.hits == {"/robots.txt": 2}


def test_missing_robots_txt_allows_everything(site, tmp_path):
    base, state = site
    state.robots_status = 404
    result, _ = fetch([f"{base}/private/diary.html"], tmp_path / "sources")
    assert len(result.saved) == 1


def test_not_a_web_address_fails(tmp_path):
    result, _ = fetch(["ftp://example.invalid/x", "not a url"], tmp_path / "sources")
    assert [p.reason for p in result.failed] == ["not an http or https address"] * 2


# ------------------------------------------------------------------------ politeness


def test_requests_to_one_host_are_spaced_and_one_at_a_time(site, tmp_path):
    base, state = site
    urls = [f"{base}/page/{n}" for n in range(4)]
    result, _ = fetch(urls, tmp_path / "sources", delay=0.3, per_host=1)
    assert len(result.saved) == 4
    times = sorted(t for _, t, _ in state.log)  # robots.txt and the four pages
    assert len(times) == 5
    # The client starts requests 0.3 s apart; the server sees them arrive with some jitter.
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.3 - ARRIVAL_JITTER
    assert times[-1] - times[0] >= 4 * 0.3 - ARRIVAL_JITTER
    assert state.most_active == 1


def test_per_host_allows_parallel_requests(site, tmp_path):
    base, state = site
    state.slow = 0.3
    urls = [f"{base}/slow?{n}" for n in range(3)]
    result, _ = fetch(urls, tmp_path / "sources", per_host=3, timeout=2.0)
    assert len(result.saved) == 3
    assert state.most_active >= 2


# ---------------------------------------------------------------------- re-running


def test_rerun_skips_saved_pages_and_refresh_fetches_them_again(site, tmp_path):
    base, state = site
    sources = tmp_path / "sources"
    url = f"{base}/article/river.html"
    fetch([url], sources)
    first = records(sources)

    again, lines = fetch([url], sources)
    assert not again.saved and not again.failed
    name = page_file_name(url)
    assert (
        again.skipped[0].reason == f"saved already as sources/{name} (--refresh fetches it again)"
    )
    assert state.hits["/article/river.html"] == 1
    assert records(sources) == first

    refreshed, _ = fetch([url], sources, refresh=True)
    assert [p.file.name for p in refreshed.saved] == [name]
    assert state.hits["/article/river.html"] == 2
    [record] = records(sources)
    assert record["retrieved"] >= first[0]["retrieved"]
    folder = sources / name.replace(".html", "_files")
    assert sorted(p.name for p in folder.iterdir()) == ["bridge.gif", "rope.png"]
    assert not list(sources.glob("*.part"))


def test_fetched_toml_keeps_other_records_and_is_sorted(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    sources.mkdir()
    old = {
        "file": "zz-older.html",
        "url": "https://example.org/older",
        "final_url": "https://example.org/older",
        "retrieved": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        "status": 200,
        "note": 'added by hand, with "quotes"',
    }
    (sources / "fetched.toml").write_text(fetched_toml([old]), encoding="utf-8")
    urls = [f"{base}/page/b", f"{base}/page/a"]
    fetch(urls, sources)
    files = [r["file"] for r in records(sources)]
    assert files == sorted(files) and len(files) == 3
    assert records(sources)[-1] == old
    assert set(load_fetched(sources)) == set(files)


def test_same_name_for_a_different_url_gets_its_own_file(site, tmp_path):
    base, _ = site
    sources = tmp_path / "sources"
    urls = [f"{base}/page/a-b", f"{base}/page/a/b"]  # both slug to ...-page-a-b
    result, _ = fetch(urls, sources)
    names = [p.file.name for p in result.saved]
    assert len(set(names)) == 2 and names[0] == page_file_name(urls[0])
    # A second run finds each URL's file through fetched.toml, and skips both.
    again, _ = fetch(list(reversed(urls)), sources)
    assert len(again.skipped) == 2 and not again.saved


def test_malformed_fetched_toml_is_a_build_error(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "fetched.toml").write_text("[[page]\n", encoding="utf-8")
    with pytest.raises(BuildError, match="fetched.toml: not valid TOML"):
        fetch_pages(["http://127.0.0.1:9/x"], sources)


# ------------------------------------------------------------------------ small parts


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.example.com/2024/05/a-story/", "example-com-2024-05-a-story.html"),
        ("https://example.com/news/a-story.html?id=3", "example-com-news-a-story-id-3.html"),
        ("http://example.com/", "example-com.html"),
        ("https://example.com/blog/index.php", "example-com-blog.html"),
        ("http://localhost:8000/Über_Uns", "localhost-8000-uber-uns.html"),
    ],
)
def test_page_file_name(url, name):
    assert page_file_name(url) == name


def test_page_file_name_of_non_latin_and_long_addresses_is_unique():
    a = page_file_name("https://ru.example.org/статья/один")
    b = page_file_name("https://ru.example.org/статья/два")
    assert a != b and a.startswith("ru-example-org-") and a.isascii()
    long = page_file_name("https://example.com/" + "word-" * 60)
    assert len(long) <= 105 and long.endswith(".html")


def test_read_url_list():
    text = "# my reader\nhttps://a.example/1\n\n  https://b.example/2  # the second\n"
    assert read_url_list(text) == ["https://a.example/1", "https://b.example/2"]


def test_progress_counts_the_pages_done_of_the_pages_to_fetch(site, tmp_path):
    base, _ = site
    told: list[tuple[int, int]] = []
    options = FetchOptions(**FAST)
    urls = [f"{base}/page/a", f"{base}/page/b", f"{base}/page/c"]
    fetch_pages(urls, tmp_path / "sources", options, progress=lambda *d: told.append(d))
    assert told == [(1, 3), (2, 3), (3, 3)]
    told.clear()
    fetch_pages(urls, tmp_path / "sources", options, progress=lambda *d: told.append(d))
    assert told == []  # saved before: nothing to fetch, nothing to count


def test_the_cli_shows_progress_on_a_terminal_and_not_with_quiet(site, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from anthology.cli import main

    base, _ = site
    monkeypatch.setattr("anthology.cli.report.on_terminal", lambda: True)
    (tmp_path / "sources").mkdir()
    args = ["fetch", f"{base}/page/a", f"{base}/page/b", "--project", str(tmp_path)]
    shown = CliRunner().invoke(main, [*args, "--delay", "0"])
    assert shown.exit_code == 0, shown.output
    assert "fetch" in shown.stderr
    quiet = CliRunner().invoke(main, [*args, "--delay", "0", "--refresh", "-q"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == "" and quiet.stdout == ""
