/* The search page (templates/search.html): a search box and its results on Pagefind's search script.
   The index is in shards, listed in pagefind/shards.json: the base shards, the delta that holds recent edits,
   and the ids of base results the delta replaces or that were deleted ("stale"), dropped here before the
   results are counted or shown. The words come from the page, in the site's language (data-words). */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) { return; }
  var bundle = box.getAttribute("data-bundle"), base = box.getAttribute("data-base");
  var words = JSON.parse(box.getAttribute("data-words") || "{}");
  var form = box.querySelector("form"), input = box.querySelector("input");
  var clear = box.querySelector(".pagefind-ui__search-clear"), message = box.querySelector(".pagefind-ui__message");
  var list = box.querySelector(".pagefind-ui__results"), more = box.querySelector(".pagefind-ui__button");
  var PAGE = 5, WAIT = 300;
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");
  var shown = {results: [], count: 0, ticket: 0}, timer = 0, index = null;

  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function unavailable() {
    box.hidden = true;
    document.querySelector(".search-label").hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }

  function load() {      // the primary shard's script, every other shard and the delta merged into it
    // The listing changes with every build under the same name: never from the HTTP cache, not even after a
    // 304, which a server with one-second Last-Modified answers when two builds land in the same second.
    if (!index) {
      index = fetch(bundle + "shards.json", {cache: "no-store"}).then(function (response) {
        if (!response.ok) { throw new Error("no search index"); }
        return response.json();
      }).then(function (listing) {
        if (!listing.shards || !listing.shards.length) { throw new Error("no search shards"); }
        return import(bundle + listing.shards[0] + "pagefind.js").then(function (pagefind) {
          var merged = listing.shards.slice(1).concat(listing.delta ? [listing.delta] : []);
          return pagefind.options({baseUrl: base}).then(function () {
            return Promise.all(merged.map(function (shard) { return pagefind.mergeIndex(bundle + shard, {baseUrl: base}); }));
          }).then(function () { return {pagefind: pagefind, stale: new Set(listing.stale || [])}; });
        });
      });
    }
    return index;
  }

  function excerpt(html) {    // Pagefind's excerpt: text with <mark>s; built as nodes, never parsed as HTML
    var paragraph = document.createElement("p");
    paragraph.className = "pagefind-ui__result-excerpt";
    html.split(/(<mark>[\s\S]*?<\/mark>)/).forEach(function (part) {
      var marked = /^<mark>([\s\S]*)<\/mark>$/.exec(part), text = (marked ? marked[1] : part)
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      if (!text) { return; }
      if (marked) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(text));
      }
    });
    return paragraph;
  }

  function item(data) {
    var li = document.createElement("li"), inner = document.createElement("div");
    var title = document.createElement("p"), link = document.createElement("a");
    li.className = "pagefind-ui__result";
    inner.className = "pagefind-ui__result-inner";
    title.className = "pagefind-ui__result-title";
    link.className = "pagefind-ui__result-link";
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    title.appendChild(link);
    inner.append(title, excerpt(data.excerpt || ""));
    if (data.meta && data.meta.date) {
      var tags = document.createElement("ul"), tag = document.createElement("li");
      tags.className = "pagefind-ui__result-tags";
      tag.className = "pagefind-ui__result-tag";
      tag.textContent = data.meta.date;
      tags.appendChild(tag);
      inner.appendChild(tags);
    }
    li.appendChild(inner);
    return li;
  }

  function showMore(ticket) {
    var next = shown.results.slice(shown.count, shown.count + PAGE);
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (ticket !== shown.ticket) { return false; }
      pages.forEach(function (data) { list.appendChild(item(data)); });
      shown.count += next.length;
      more.hidden = shown.count >= shown.results.length;
      return true;
    });
  }

  function search() {
    var term = input.value.trim(), ticket = ++shown.ticket;
    clear.hidden = !input.value;
    if (!term) {
      message.textContent = "";
      list.replaceChildren();
      more.hidden = true;
      return Promise.resolve();
    }
    return load().then(function (found) {
      return found.pagefind.search(term).then(function (answer) {
        if (ticket !== shown.ticket) { return; }
        shown.results = answer.results.filter(function (result) { return !found.stale.has(result.id); });
        shown.count = 0;
        list.replaceChildren();
        return showMore(ticket).then(function (current) {
          if (!current) { return; }
          var count = shown.results.length;
          message.textContent = say(count ? words[plural.select(count) === "one" ? "one" : "other"] : words.none,
                                    {count: count.toLocaleString(document.documentElement.lang || undefined), term: term});
        });
      });
    }, unavailable);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    clear.hidden = !input.value;
    timer = setTimeout(search, WAIT);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  clear.addEventListener("click", function () {
    input.value = "";
    search();
    input.focus();
  });
  more.addEventListener("click", function () { showMore(shown.ticket); });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  load().then(query ? search : null, unavailable);
})();
