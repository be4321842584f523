"""The live-reload script `pressroom serve` injects into the HTML it serves (never into build output).

It listens to the server's Server-Sent Events. After a rebuild it fetches the page again and,
when the page has no scripts of its own and the same stylesheets, swaps in the new `<body>`
(no navigation, no flash, scroll kept); otherwise it reloads the page, keeping the scroll position
through sessionStorage. When only CSS changed it just swaps the stylesheets. It shows the build's
errors (`path:line: message`) in an overlay that goes away once they are fixed.
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

  // Fetch the page again and swap its body in place; a full reload whenever that could differ.
  function refresh(build) {
    if (hasOwnScripts(document) || !window.fetch || !window.DOMParser) { reload(); return; }
    fetch(location.href, {cache: "no-store", credentials: "same-origin"}).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/html") !== 0) { throw new Error("not HTML"); }
      return response.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      if (!doc.body || hasOwnScripts(doc) || sheets(doc) !== sheets(document)) { reload(); return; }
      var x = window.scrollX, y = window.scrollY;
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      window.scrollTo(x, y);
      pageBuild = String(build.build);
      showProblems(build.problems);
    }).catch(reload);
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

  function showProblems(problems) {
    var old = document.getElementById("__OVERLAY_ID__");
    if (old) { old.parentNode.removeChild(old); }
    if (!problems || !problems.length) { return; }
    var box = document.createElement("div");
    box.id = "__OVERLAY_ID__";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:12px 16px;background:#2b0b0b;color:#ffe9e9;border-top:4px solid #e5484d;" +
      "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
    var head = document.createElement("div");
    head.style.cssText = "display:flex;justify-content:space-between;align-items:center;font-weight:bold;margin-bottom:6px";
    head.textContent = "Pressroom: " + problems.length + (problems.length === 1 ? " error" : " errors") +
      " (fix the file and save; this goes away by itself)";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText = "background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
    close.addEventListener("click", function () { if (box.parentNode) { box.parentNode.removeChild(box); } });
    head.appendChild(close);
    box.appendChild(head);
    var list = document.createElement("pre");
    list.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-word";
    list.textContent = problems.join("\n");
    box.appendChild(list);
    (document.body || document.documentElement).appendChild(box);
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
