"""What `pressroom serve` keeps apart: requests for other host names (DNS rebinding) and, with
`--drafts`, the unpublished preview from the output folder that `pressroom build` publishes.

Real servers on free ports, a real HTTP client (`http.client`) that sets the Host header itself.
"""
from __future__ import annotations

import http.client
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import load_config
from generator.build import SiteBuilder
from generator.serve import DRAFTS_OUTPUT, LiveServer, host_allowed, preview_settings
from generator.serve.reload_client import EVENTS_PATH
from tests.test_serve import ARTICLE, REPO_ROOT, article_text, make_site, start_live, wait_for

DRAFT = "/REPO/2024/05/secret-draft/"


def request(port: int, path: str, host: str | None, method: str = "GET") -> tuple[int, bytes]:
    """One request whose Host header is exactly `host` (None: no Host header at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    server = start_live(make_site(tmp_path_factory.mktemp("hosts") / "site"), watch=False)
    yield server
    server.stop()


# ---------------------------------------------------------------------------------------------
# Host header (DNS rebinding)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}",
                                  "127.0.0.1", "localhost", "[::1]", "127.0.0.2:{port}", None])
def test_loopback_names_are_served(live: LiveServer, host: str | None) -> None:
    status, body = request(live.port, ARTICLE, host and host.format(port=live.port))
    assert status == 200 and b"Original body text." in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "localhost.evil.example:{port}",
                                  "127.0.0.1.evil.example", "192.168.1.20:{port}", "[::2]:{port}", "::1",
                                  "localhost:{port}@evil.example", "localhost:http", "", "[::1"])
@pytest.mark.parametrize("path", [ARTICLE, "/REPO/static/style.css", EVENTS_PATH, "/__pressroom/live.js", "/"])
def test_other_host_names_are_refused(live: LiveServer, host: str, path: str) -> None:
    status, body = request(live.port, path, host.format(port=live.port))
    assert status == 403, (host, path, status)
    assert b"Original body text." not in body and b"EventSource" not in body and b"event:" not in body
    assert len(live.hub) == 0                       # no live-reload stream was opened for it


def test_an_absolute_form_target_names_the_host_too(live: LiveServer) -> None:
    assert request(live.port, f"http://evil.example:{live.port}{ARTICLE}", f"127.0.0.1:{live.port}")[0] == 403
    assert request(live.port, f"http://localhost:{live.port}{ARTICLE}", f"127.0.0.1:{live.port}")[0] == 200


def test_head_requests_are_checked_too(live: LiveServer) -> None:
    assert request(live.port, ARTICLE, "evil.example", method="HEAD")[0] == 403
    assert request(live.port, ARTICLE, "localhost", method="HEAD")[0] == 200


def test_host_allowed() -> None:
    assert host_allowed("localhost:8000") and host_allowed("[::1]:8000") and host_allowed("127.0.0.1")
    assert host_allowed(None)                      # HTTP/1.0 without Host: no browser does that
    assert not host_allowed("attacker.example:8000") and not host_allowed("localhost:99999999")


# ---------------------------------------------------------------------------------------------
# --drafts writes outside the published output folder


def _draft_site(root: Path) -> Path:
    make_site(root)
    (root / "content" / "draft.md").write_text(
        article_text("Secret draft", "2024-05-03", "Not for publishing yet.", "draft: true\n"), encoding="utf-8")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_preview_settings_move_only_a_drafts_preview(tmp_path: Path) -> None:
    root = _draft_site(tmp_path / "site")
    plain = load_config(root)
    assert preview_settings(plain, {}) == (plain, {})
    config, overrides = preview_settings(load_config(root, drafts=True), {"drafts": True})
    assert config.output_dir == (root / DRAFTS_OUTPUT).resolve() and config.drafts
    assert overrides == {"drafts": True, "output": DRAFTS_OUTPUT}


def test_drafts_preview_never_touches_the_published_output(tmp_path: Path) -> None:
    root = _draft_site(tmp_path / "site")
    config, overrides = preview_settings(load_config(root, drafts=True), {"drafts": True})
    live = LiveServer(config, port=0, out=io.StringIO(), builder=SiteBuilder(config, search=False, overrides=overrides))
    live.start()
    try:
        assert live.output_dir == (root / DRAFTS_OUTPUT).resolve()
        status, body = request(live.port, DRAFT, "127.0.0.1")
        assert status == 200 and b"Not for publishing yet." in body
        # a config change reloads the config with the same overrides: still the drafts folder
        (root / "pressroom.toml").write_text('title = "Renamed"\nbase_url = "https://example.org/REPO/"\n')
        wait_for(lambda: b"Renamed" in request(live.port, "/REPO/", "127.0.0.1")[1], 10)
        assert live.output_dir == (root / DRAFTS_OUTPUT).resolve()
        assert request(live.port, DRAFT, "127.0.0.1")[0] == 200
    finally:
        live.stop()
    assert not (root / "_site").exists()


def test_serve_drafts_command_keeps_the_built_site_as_it_was(tmp_path: Path) -> None:
    root = _draft_site(tmp_path / "site")
    assert main(["build", "--site", str(root)]) == 0
    published = _files(root / "_site")
    assert published and not any("secret-draft" in name for name in published)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0",
                                "--no-open", "--drafts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line, deadline = "", time.monotonic() + 30
        while "http://127.0.0.1:" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
        assert "http://127.0.0.1:" in line, process.stderr.read() if process.poll() is not None else line
        assert str((root / DRAFTS_OUTPUT).resolve()) in line      # "Serving <folder> at <url>"
        port = int(line[line.index("http://"):].split(":")[2].split("/")[0])
        status, body = request(port, DRAFT, f"127.0.0.1:{port}")
        assert status == 200 and b"Not for publishing yet." in body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _files(root / "_site") == published
    assert (root / DRAFTS_OUTPUT / "2024" / "05" / "secret-draft" / "index.html").is_file()
