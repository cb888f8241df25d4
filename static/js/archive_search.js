/* Search in the static archive (manage.py archive): the index is a script beside the
   page (zoeken/zoekindex.js defines window.DIEGEM_ARCHIEF; file:// cannot fetch JSON),
   searched here in the browser. Every word must occur in a title, summary or keyword;
   case and accents do not count; titles rank first. The query is the page's ?q=, so
   the header's search form works too. Without this script the page shows every case. */
(function () {
  "use strict";
  var data = window.DIEGEM_ARCHIEF;
  var form = document.querySelector("form.search-form");
  var input = document.getElementById("search-q");
  var results = document.getElementById("archive-results");
  var title = document.getElementById("archive-results-title");
  var list = document.getElementById("archive-result-list");
  var all = document.getElementById("archive-all");
  if (!data || !form || !input || !results || !list) {
    return;
  }

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function prepare(entries, kind) {
    return entries.map(function (entry) {
      return {
        entry: entry,
        kind: kind,
        title: fold(entry.titel),
        rest: fold([entry.samenvatting].concat(entry.trefwoorden || []).join(" ")),
      };
    });
  }

  var items = prepare(data.praktijken || [], "cases").concat(prepare(data.kader || [], "sections"));

  function search(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) {
      return null;
    }
    var found = [];
    items.forEach(function (item) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        if (item.title.indexOf(words[i]) !== -1) {
          score += 2;
        } else if (item.rest.indexOf(words[i]) !== -1) {
          score += 1;
        } else {
          return;
        }
      }
      found.push({ item: item, score: score });
    });
    found.sort(function (a, b) {
      return b.score - a.score || a.item.entry.titel.localeCompare(b.item.entry.titel, "nl");
    });
    return found;
  }

  function show(query) {
    var found = search(query);
    list.textContent = "";
    if (found === null) {
      results.hidden = true;
      if (all) {
        all.hidden = false;
      }
      return;
    }
    results.hidden = false;
    if (!found.length) {
      title.textContent = results.dataset.none;
      if (all) {
        all.hidden = false;
      }
      return;
    }
    title.textContent =
      found.length === 1 ? results.dataset.one : results.dataset.many.replace("%(count)s", found.length);
    found.forEach(function (hit) {
      var entry = hit.item.entry;
      var li = document.createElement("li");
      li.className = "result";
      var heading = document.createElement("h3");
      heading.className = "result__title";
      var link = document.createElement("a");
      // Index URLs are relative to the archive's root; this page is one folder down.
      link.href = "../" + entry.url;
      link.textContent = entry.titel;
      heading.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "card__meta";
      meta.textContent = hit.item.kind === "cases" ? results.dataset.cases : results.dataset.sections;
      var summary = document.createElement("p");
      summary.className = "result__snippet";
      summary.textContent = entry.samenvatting;
      li.appendChild(heading);
      li.appendChild(meta);
      li.appendChild(summary);
      list.appendChild(li);
    });
    if (all) {
      all.hidden = true;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try {
      window.history.replaceState(null, "", url.href);
    } catch (error) {
      /* some file:// contexts refuse history changes: the results stand */
    }
  });

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
})();
