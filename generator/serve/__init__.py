"""`pressroom serve`: build, serve the output under the site's base path, rebuild on save, reload the browser.

One idea per module:
  `live`           `LiveServer`: one running preview, wiring the pieces below together
  `http`           the request handler: request -> file (ranges too), Host checks, script injection
  `paths`          which file a request names, safely inside the output folder; loopback Host names
  `ranges`         the byte range a `Range` header asks for
  `server`         the listening socket: request timeouts, a connection cap, out-of-descriptor answers
  `events`         the Server-Sent Events hub that tells open pages about each build
  `watch`          watchdog observer over the sources, and the debouncer (one rebuild per save)
  `report`         the build lines and problems printed in the terminal
  `reload_client`  the script injected into served pages (reload, stylesheet swap, error overlay)
This module is the command: it picks the output folder, starts a `LiveServer` and runs until Ctrl-C
or SIGTERM, which stop it the same way.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
from typing import Any, TextIO

from ..cache import CACHE_DIR
from ..config import Config
from .events import Hub, format_event
from .http import LiveHandler, Preview
from .live import Builder, LiveServer, new_builder
from .paths import content_type, host_allowed, is_loopback, request_path, resolve_request
from .server import Limits
from .watch import Debouncer, Watcher

__all__ = ["DRAFTS_OUTPUT", "Builder", "Debouncer", "Hub", "Limits", "LiveHandler", "LiveServer", "Preview",
           "Watcher", "content_type", "format_event", "host_allowed", "is_loopback", "new_builder",
           "preview_settings", "request_path", "resolve_request", "serve"]

# With --drafts the preview holds unpublished releases: it goes here, never into the folder `build` publishes.
DRAFTS_OUTPUT = f"{CACHE_DIR}/serve-drafts"


def preview_settings(config: Config, overrides: dict[str, Any]) -> tuple[Config, dict[str, Any]]:
    """The config and overrides serve builds with: with drafts, the output moves to `DRAFTS_OUTPUT`."""
    if not config.drafts:
        return config, dict(overrides)
    return dataclasses.replace(config, output=DRAFTS_OUTPUT), {**overrides, "output": DRAFTS_OUTPUT}


def serve(config: Config, *, bind: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          overrides: dict[str, Any] | None = None, out: TextIO | None = None) -> int:
    """The `pressroom serve` command: runs until Ctrl-C.

    `overrides` are the command-line settings `load_config` got, re-applied when pressroom.toml changes."""
    out = out if out is not None else sys.stdout
    config, overrides = preview_settings(config, dict(overrides or {}))
    live = LiveServer(config, bind=bind, port=port, out=out, builder=new_builder(config, overrides))
    previous = _stop_on_sigterm()
    try:    # Ctrl-C or SIGTERM at any moment, even during the first build or right after it, stops cleanly
        try:
            live.start()
        except OSError as exc:
            print(_cannot_start(live, exc), file=sys.stderr)
            return 1
        if not is_loopback(bind):
            print(f"warning: listening on {bind}: other machines on the network can read this site", file=out)
        if config.drafts:
            print("drafts and future releases included; written outside the published output folder", file=out)
        print(f"Serving {live.output_dir} at {live.url}  (Ctrl-C to stop)", file=out, flush=True)
        if open_browser:
            import webbrowser
            threading.Thread(target=webbrowser.open, args=(live.url,), daemon=True).start()
        live.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=out, flush=True)
    finally:
        live.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _cannot_start(live: LiveServer, exc: OSError) -> str:
    if live.httpd is None:
        return f"error: cannot listen on {live.bind}:{live.port}: {exc.strerror or exc}; try another --port"
    return (f"error: cannot watch {live.site_dir} for changes: {exc.strerror or exc}; close other programs that "
            "watch many files, or raise the limits (sysctl fs.inotify.max_user_watches, fs.inotify.max_user_instances)")


def _stop_on_sigterm() -> Any:
    """SIGTERM (`kill`, systemd, `docker stop`) raises KeyboardInterrupt in the main thread, as Ctrl-C does, so
    a build it interrupts removes its staging folder and the server stops the same clean way. A second
    SIGTERM during that clean-up gets the previous handler (by default: stop at once). The previous
    handler, or None when not on the main thread (signals can only be handled there)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)
    previous = signal.SIG_DFL if previous is None else previous
    me = os.getpid()

    def stop(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, previous)
        if os.getpid() != me:            # a worker the engine forked, stopped by its pool: go quietly
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return previous
