"""`pressroom serve` as a process: SIGTERM stops it like Ctrl-C, and it keeps answering (without spinning)
when it runs out of file descriptors. Real processes, real signals, real sockets.
"""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.test_serve import ARTICLE, REPO_ROOT, EventClient, article_text, make_site, wait_for

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
       "PYTHONUNBUFFERED": "1"}


def big_site(root: Path, count: int) -> Path:
    """A site whose first build takes a while: `count` releases of a few hundred words."""
    make_site(root)
    words = " ".join(f"word{i % 97}" for i in range(300))
    for i in range(count):
        (root / "content" / f"r{i:04d}.md").write_text(
            article_text(f"Release number {i}", f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                         f"{words}\n\n{words}", f"tags: [t{i % 40}, u{i % 7}]\n"), encoding="utf-8")
    return root


def serve_process(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0", "--no-open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def staging_folders(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if ".building-" in p.name or ".old-" in p.name]


def staging_started(root: Path) -> bool:
    """The build is writing its staged output (a page is in the staging folder)."""
    return any(any(folder.iterdir()) for folder in staging_folders(root) if folder.is_dir())


def test_sigterm_during_the_first_build_stops_cleanly(tmp_path: Path) -> None:
    root = big_site(tmp_path / "site", 600)
    process = serve_process(root)
    try:
        wait_for(lambda: staging_started(root) or process.poll() is not None, 120, 0.002)
        assert staging_started(root), "the first build never staged its output (it finished too fast to test)"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "stopping" in out
    assert staging_folders(root) == []


def test_sigterm_while_serving_stops_like_ctrl_c(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    process = serve_process(root)
    try:
        line = ""
        while "http://127.0.0.1:" not in line:
            line = process.stdout.readline() if process.stdout else ""
            assert line, process.stderr.read() if process.stderr else ""
        port = int(line[line.index("http://"):].split(":")[2].split("/")[0])
        events = EventClient(port)
        events.wait_event("state")
        process.send_signal(signal.SIGTERM)
        assert events.next_event() == ("", {})       # the stream ends: the server closed it
        events.close()
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0 and "Traceback" not in err and "stopping" in out, err
    assert staging_folders(root) == [] and (root / "_site" / "index.html").is_file()


# ---------------------------------------------------------------------------------------------
# out of file descriptors

CHILD = textwrap.dedent("""
    import io, os, resource, sys
    from pathlib import Path
    from generator.config import load_config
    from generator.serve import LiveServer

    resource.setrlimit(resource.RLIMIT_NOFILE, (256, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    live = LiveServer(load_config(Path(sys.argv[1])), port=0, out=io.StringIO()).start()
    print(live.port, flush=True)
    hoard = []
    for command in sys.stdin:
        if command.strip() == "fill":
            try:
                while True:
                    hoard.append(os.open(os.devnull, os.O_RDONLY))
            except OSError:
                pass
        elif command.strip() == "one":      # one descriptor to spare: enough to accept, not to open a file
            os.close(hoard.pop())
        elif command.strip() == "free":
            for fd in hoard:
                os.close(fd)
            hoard.clear()
        print("done", flush=True)
    live.stop()
""")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to read the server's CPU time")
def test_out_of_file_descriptors_it_answers_without_spinning_and_recovers(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=ENV)
    assert child.stdin is not None and child.stdout is not None

    def tell(command: str) -> None:
        child.stdin.write(command + "\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"

    try:
        port = int(child.stdout.readline())
        events = EventClient(port)                    # opened while there are descriptors to spare
        events.wait_event("state")
        tell("fill")
        answers: list[int] = []
        client = threading.Thread(target=lambda: answers.append(request(port, ARTICLE)[0]))
        before = cpu_seconds(child.pid)
        client.start()
        time.sleep(1.0)                              # the window in which a spinning server burns a core
        spent = cpu_seconds(child.pid) - before
        client.join(20)
        assert answers == [503], answers             # answered (try again), neither hung nor a wrong 404
        assert spent < 0.4, f"the server used {spent:.2f} s of CPU in 1 s while out of descriptors"
        tell("one")
        assert request(port, ARTICLE)[0] == 503       # accepted, but the page cannot be opened: not a 404
        tell("fill")

        source = root / "content" / "first.md"
        source.write_text(article_text("First release", "2024-05-01", "Saved while out of descriptors."))
        event = events.wait_event("build")
        assert not any("internal error" in p or "report" in p for p in event["problems"]), event["problems"]
        tell("free")
        source.write_text(article_text("First release", "2024-05-01", "Saved once descriptors were back."))
        events.wait_event("build", lambda e: not e["problems"] and e["reload"] == "page")
        status, body = request(port, ARTICLE)
        assert status == 200 and b"Saved once descriptors were back." in body
        events.close()
    finally:
        if child.poll() is None:
            child.stdin.close()
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


FORKED = textwrap.dedent("""
    import os, signal, sys, time
    from generator.serve import _stop_on_sigterm

    _stop_on_sigterm()
    child = os.fork()
    if child == 0:                       # like a worker a process pool forked during a build
        time.sleep(30)
        os._exit(0)
    time.sleep(0.2)
    os.kill(child, signal.SIGTERM)       # what Pool.terminate() does to its workers
    _, status = os.waitpid(child, 0)
    print(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM, flush=True)
""")


def test_a_forked_worker_stopped_by_sigterm_goes_quietly() -> None:
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True, env=ENV, timeout=30)
    assert done.stdout.strip() == "True" and "Traceback" not in done.stderr, done.stderr
