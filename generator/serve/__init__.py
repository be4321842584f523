"""`pressroom serve`: build, serve the output under the site's base path, rebuild on save, reload the browser.

One idea per module:
  `live`           `LiveServer`: one running preview, wiring the pieces below together
  `http`           request -> file in the output folder (safely), Host check, script injection
  `events`         the Server-Sent Events hub that tells open pages about each build
  `watch`          watchdog observer over the sources, and the debouncer (one rebuild per save)
  `report`         the build lines and problems printed in the terminal
  `reload_client`  the script injected into served pages (reload, stylesheet swap, error overlay)
This module is the command: it picks the output folder, starts a `LiveServer` and runs until Ctrl-C.
"""
from __future__ import annotations

import dataclasses
import signal
import sys
import threading
from typing import Any, TextIO

from ..cache import CACHE_DIR
from ..config import Config
from ..incremental import SiteBuilder
from .events import Hub, format_event
from .http import LiveHandler, content_type, host_allowed, is_loopback, request_path, resolve_request
from .live import LiveServer
from .watch import Debouncer, Watcher

__all__ = ["DRAFTS_OUTPUT", "Debouncer", "Hub", "LiveHandler", "LiveServer", "Watcher", "content_type",
           "format_event", "host_allowed", "is_loopback", "preview_settings", "request_path", "resolve_request",
           "serve"]

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
    builder = SiteBuilder(config, search=False, overrides=overrides)
    live = LiveServer(config, bind=bind, port=port, out=out, builder=builder)
    try:    # Ctrl-C at any moment, even during the first build or right after it, stops cleanly
        try:
            live.start()
        except OSError as exc:
            print(f"error: cannot listen on {bind}:{port}: {exc.strerror or exc}; try another --port", file=sys.stderr)
            return 1
        if not is_loopback(bind):
            print(f"warning: listening on {bind}: other machines on the network can read this site", file=out)
        if config.drafts:
            print("drafts and future releases included; written outside the published output folder", file=out)
        print(f"Serving {live.output_dir} at {live.url}  (Ctrl-C to stop)", file=out, flush=True)
        if open_browser:
            import webbrowser
            threading.Thread(target=webbrowser.open, args=(live.url,), daemon=True).start()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: live._stopped.set())   # `kill` stops as cleanly as Ctrl-C
        live.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=out, flush=True)
    finally:
        live.stop()
    return 0
