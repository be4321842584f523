"""The live-reload script `pressroom serve` injects into the HTML it serves (never into build output).

It listens to the server's Server-Sent Events. After a rebuild it fetches the page again and,
when the page has no scripts of its own and the same stylesheets, swaps in the new `<body>`
(no navigation, no flash, scroll kept); otherwise it reloads the page, keeping the scroll position
through sessionStorage. When only CSS changed it just swaps the stylesheets. It shows the build's
errors (`path:line: message`) in an overlay that goes away once they are fixed: in a shadow root with
its own styles (readable in light and dark schemes whatever the theme does), over the last good
page (a page the broken build took away is kept, not replaced by the 404).
"""
from __future__ import annotations

PREFIX = "/__pressroom/"
EVENTS_PATH = PREFIX + "events"
SCRIPT_PATH = PREFIX + "live.js"
OVERLAY_ID = "pressroom-overlay"


def script_tag(generation: int) -> bytes:
    """The script injected into every served HTML page (inline: no extra request on each reload);
    `generation` is the build the page comes from."""
    return b'<script data-pressroom-live data-pressroom-build="%d">' % int(generation) + LIVE_JS + b"</script>"


def inject(html: bytes, generation: int) -> bytes:
    """Insert the script before the last `</body>`, or at the end of a page that has none."""
    tag = script_tag(generation)
    at = html.lower().rfind(b"</body")
    if at == -1:
        return html + b"\n" + tag + b"\n"
    return html[:at] + tag + b"\n" + html[at:]


LIVE_JS = r"""
(function () {
  "use strict";
  if (window.__pressroomLive) { return; }
  window.__pressroomLive = true;
  var me = document.currentScript;
  var pageBuild = me ? me.getAttribute("data-pressroom-build") : null;
  var KEY = "pressroom:scroll:" + location.pathname + location.search;
  var serverId = null;

  function restoreScroll() {
    var saved = null;
    try { saved = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
    if (!saved) { return; }
    try { var at = JSON.parse(saved); window.scrollTo(at.x, at.y); } catch (e) { /* ignore */ }
  }
  if (document.readyState === "complete") { restoreScroll(); }
  else { window.addEventListener("load", restoreScroll); }

  function reload() {
    try { sessionStorage.setItem(KEY, JSON.stringify({x: window.scrollX, y: window.scrollY})); } catch (e) { /* private mode */ }
    location.reload();
  }

  function isOurs(script) { return script.hasAttribute("data-pressroom-live"); }
  function isData(script) { return /json/i.test(script.type || ""); }
  function hasOwnScripts(doc) {
    return Array.prototype.some.call(doc.querySelectorAll("script"), function (s) { return !isOurs(s) && !isData(s); });
  }
  function sheets(doc) {
    return Array.prototype.map.call(doc.querySelectorAll('link[rel~="stylesheet"]'), function (link) {
      var url = new URL(link.getAttribute("href") || "", location.href);
      url.searchParams.delete("pressroom-live");
      return url.href;
    }).join("\n");
  }

  // Fetch the page again and swap its body in place; a full reload whenever that could differ. A build
  // with errors that took this page away (its front matter broke) keeps the last good page under the overlay.
  function refresh(build) {
    if (!window.fetch || !window.DOMParser) { reload(); return; }
    fetch(location.href, {cache: "no-store", credentials: "same-origin"}).then(function (response) {
      if (response.status === 404 && build.problems && build.problems.length) { keepPage(build); return null; }
      if (hasOwnScripts(document)) { reload(); return null; }
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/html") !== 0) { throw new Error("not HTML"); }
      return response.text();
    }).then(function (html) {
      if (html === null) { return; }
      var doc = new DOMParser().parseFromString(html, "text/html");
      if (!doc.body || hasOwnScripts(doc) || sheets(doc) !== sheets(document)) { reload(); return; }
      var x = window.scrollX, y = window.scrollY;
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      window.scrollTo(x, y);
      keepPage(build);
    }).catch(reload);
  }

  function keepPage(build) {
    pageBuild = String(build.build);
    showProblems(build.problems);
  }

  function swapStylesheets() {
    var stamp = String(Date.now());
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url;
      try { url = new URL(link.href, location.href); } catch (e) { return; }
      if (url.origin !== location.origin) { return; }
      url.searchParams.set("pressroom-live", stamp);
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      var done = function () { if (link.parentNode) { link.parentNode.removeChild(link); } };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  // The overlay lives in a shadow root with its own styles, on an element no theme styles by name, whose
  // inline `all: initial` resets what it would inherit: whatever the theme's CSS, it reads the same.
  var OVERLAY_CSS =
    ".box{box-sizing:border-box;max-height:50vh;overflow:auto;margin:0;padding:12px 16px;text-align:left;" +
    "background:#fff8f7;color:#1b1b1b;border-top:4px solid #c4141c;box-shadow:0 -4px 16px rgba(0,0,0,.25);" +
    "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:normal;word-spacing:normal}" +
    ".head{display:flex;justify-content:space-between;align-items:center;gap:12px;margin:0 0 6px;" +
    "font:inherit;font-weight:bold;color:#8a0f14}" +
    "button{margin:0;padding:0 6px;border:0;background:none;color:inherit;font:20px/1 system-ui,sans-serif;cursor:pointer}" +
    "button:focus-visible{outline:2px solid currentColor;outline-offset:2px}" +
    "pre{margin:0;padding:0;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;color:inherit;background:none}" +
    "@media (prefers-color-scheme: dark){.box{background:#2b0b0b;color:#ffe9e9;border-top-color:#e5484d;" +
    "box-shadow:0 -4px 16px rgba(0,0,0,.6)}.head{color:#ffb4b4}}";

  function showProblems(problems) {
    var old = document.getElementById("__OVERLAY_ID__");
    if (old) { old.parentNode.removeChild(old); }
    if (!problems || !problems.length) { return; }
    var host = document.createElement("pressroom-overlay");
    host.id = "__OVERLAY_ID__";
    host.style.cssText = "all:initial;position:fixed;left:0;right:0;bottom:0;z-index:2147483647;display:block";
    var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
    var style = document.createElement("style");
    style.textContent = OVERLAY_CSS;
    var box = document.createElement("div");
    box.className = "box";
    box.setAttribute("role", "alert");
    var head = document.createElement("div");
    head.className = "head";
    var title = document.createElement("span");
    title.textContent = "Pressroom: " + problems.length + (problems.length === 1 ? " error" : " errors") +
      " (fix the file and save; this goes away by itself)";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", function () { if (host.parentNode) { host.parentNode.removeChild(host); } });
    head.appendChild(title);
    head.appendChild(close);
    var list = document.createElement("pre");
    list.textContent = problems.join("\n");
    box.appendChild(head);
    box.appendChild(list);
    root.appendChild(style);
    root.appendChild(box);
    (document.body || document.documentElement).appendChild(host);
  }

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }

  var source = new EventSource("__EVENTS_PATH__");
  source.addEventListener("state", function (event) {
    var state = parse(event);
    if (!state) { return; }
    if (serverId !== null && state.server !== serverId) { reload(); return; }   // the server restarted
    serverId = state.server;
    if (pageBuild !== null && String(state.build) !== pageBuild) { reload(); return; }   // built since this page was served
    showProblems(state.problems);
  });
  source.addEventListener("build", function (event) {
    var build = parse(event);
    if (!build) { return; }
    if (build.reload === "page") { refresh(build); return; }
    if (build.reload === "css") { swapStylesheets(); pageBuild = String(build.build); }
    showProblems(build.problems);
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
""".replace("__OVERLAY_ID__", OVERLAY_ID).replace("__EVENTS_PATH__", EVENTS_PATH).encode("utf-8")
