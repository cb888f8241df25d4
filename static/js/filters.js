// The case list and the map: the list follows the filters as they change (the URL follows, the
// back button works), and on a phone the filters open as a panel over the results. Without
// this script the form works as a plain GET form, with the filters below the results.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-filters]");
  if (!form || !window.fetch || !window.history || !window.DOMParser || !window.AbortController) return;
  document.documentElement.classList.add("live-filters");
  var status = document.getElementById("filters-status");
  var narrow = window.matchMedia("(max-width: 59.99rem)");
  var pending = null;
  var shown = window.location.pathname + window.location.search; // the state on the page
  var inerted = [];

  function opener() { return document.getElementById("filters-open"); }
  // The phone's "Filters" is a link to #filters (without this script it leads to the form below
  // the results); with it, it opens a panel, so it is a button: said as one, and Space opens it
  // as Enter does (Space on a link scrolls the page).
  function markOpener() {
    var element = opener();
    if (!element) return;
    element.setAttribute("role", "button");
    element.setAttribute("aria-expanded", isOpen() ? "true" : "false");
  }
  function closer() { return form.querySelector(".filters__close"); }
  function isOpen() { return form.classList.contains("is-open"); }
  function firstControl() { return form.querySelector("input, select, button:not([hidden])"); }
  function inPanel(element) { return Boolean(element) && (element === form || form.contains(element)); }
  function hashTarget() {
    try {
      return document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    } catch (error) {
      return null; // a malformed address
    }
  }

  function urlOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    var query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  // Put back where the reader was: the same control, or its row when it is gone or off.
  function refocus(id, rowId, typed) {
    var target = id && document.getElementById(id);
    if (target && typed !== null && target.name === "q") {
      target.value = typed.value;
      target.setSelectionRange(typed.start, typed.end);
    }
    if (!target || target.disabled) {
      target = rowId && document.getElementById(rowId);
      if (target) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus();
  }

  function swap(doc) {
    ["results", "view-switch", "grounds-toggle"].forEach(function (id) {
      var now = document.getElementById(id), next = doc.getElementById(id);
      if (now && next) now.replaceWith(next);
    });
    var nextForm = doc.querySelector("form[data-live-filters]");
    if (nextForm) {
      var active = form.contains(document.activeElement) ? document.activeElement : null;
      var typed = active && active.name === "q"
        ? { value: active.value, start: active.selectionStart, end: active.selectionEnd }
        : null;
      var row = active && active.closest(".filter-row");
      form.replaceChildren.apply(form, Array.prototype.slice.call(nextForm.childNodes));
      if (active) refocus(active.id, row ? row.id : null, typed);
    }
    if (isOpen()) {
      // The new parts behind the open panel are out of reach too.
      if (closer()) closer().hidden = false;
      setInert(true);
    }
    markOpener(); // the new one, as the server wrote it: a link
    var title = document.getElementById("results-title");
    if (status && title) status.textContent = title.textContent.trim();
    document.title = doc.title;
  }

  function load(url, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    var results = document.getElementById("results");
    if (results) results.setAttribute("aria-busy", "true");
    return fetch(url, { signal: pending.signal, headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text().then(function (html) {
          swap(new DOMParser().parseFromString(html, "text/html"));
          var reached = new URL(response.url, window.location.href);
          shown = reached.pathname + reached.search;
          if (push) window.history.pushState({ filters: true }, "", shown);
        });
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.assign(url);
      });
  }

  // While the panel is open, nothing behind it can be reached.
  function setInert(on) {
    inerted.forEach(function (element) { element.inert = false; });
    inerted = [];
    if (!on) return;
    for (var node = form; node && node !== document.body; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        // The live region stays reachable: the new count is said while the panel is open.
        if (sibling !== node && sibling !== status && !sibling.inert) {
          sibling.inert = true;
          inerted.push(sibling);
        }
      });
    }
  }

  function open() {
    form.classList.add("is-open");
    document.body.classList.add("filters-panel-open");
    setInert(true);
    if (closer()) closer().hidden = false;
    if (opener()) opener().setAttribute("aria-expanded", "true");
  }

  function close(options) {
    // Closed: an address that pointed into the panel no longer does (a reload shows the list).
    if (inPanel(hashTarget())) {
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
    }
    form.classList.remove("is-open");
    document.body.classList.remove("filters-panel-open");
    setInert(false);
    if (closer()) closer().hidden = true;
    if (opener()) {
      opener().setAttribute("aria-expanded", "false");
      if (!(options && options.keepFocus)) opener().focus();
    }
  }

  markOpener();
  // Arrived at a filter's address (#filters, or a row named by an error), or tapped the link
  // before this script ran: the panel opens there instead of staying hidden.
  var arrived = hashTarget();
  if (narrow.matches && inPanel(arrived)) {
    // Focus where the address points (the browser, scrolling there after load, would take focus
    // from anything that cannot hold it).
    open();
    if (arrived.tabIndex < 0) {
      arrived.setAttribute("tabindex", "-1");
      arrived.addEventListener("blur", function () { arrived.removeAttribute("tabindex"); }, { once: true });
    }
    arrived.focus();
  }
  // Turned or widened past the panel's width: the filters stand beside the results again.
  narrow.addEventListener("change", function (event) {
    if (!event.matches && isOpen()) close({ keepFocus: true });
  });

  function openFromOpener(event) {
    event.preventDefault();
    open();
    if (firstControl()) firstControl().focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (link && link.id === "filters-open" && narrow.matches) {
      openFromOpener(event);
    } else if (link && link.closest(".form-errors") && narrow.matches) {
      // An error names a filter in the panel: open it there.
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && form.contains(target)) {
        event.preventDefault();
        open();
        target.setAttribute("tabindex", target.tabIndex < 0 ? "-1" : target.tabIndex);
        target.focus();
      }
    } else if (event.target.closest(".filters__close")) {
      close();
    }
  });
  function spaceOnOpener(event) {
    return event.key === " " && event.target.id === "filters-open" && narrow.matches;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) close();
    else if (spaceOnOpener(event)) event.preventDefault(); // no scrolling; it opens on keyup
  });
  // On keyup, as a button acts on Space: opened on keydown, the focus moved to "Sluiten" first,
  // and a browser that clicks the focused button on keyup would close the panel at once.
  document.addEventListener("keyup", function (event) {
    if (spaceOnOpener(event)) openFromOpener(event);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "q") return; // a search word: on submit
    load(urlOf(), true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlOf(), true).then(function () {
      if (isOpen()) close();
    });
  });
  window.addEventListener("popstate", function () {
    var now = window.location.pathname + window.location.search;
    if (now === shown) return; // only the #fragment moved: nothing to load
    load(window.location.href, false);
  });
})();
