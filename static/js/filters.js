// The case list and the map: the list follows the filters as they change (the URL follows, the
// back button works), and on a phone the filters open as a panel over the results. Without
// this script the form works as a plain GET form, with the filters below the results.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-filters]");
  if (!form || !window.fetch || !window.history || !window.DOMParser) return;
  document.documentElement.classList.add("live-filters");
  var opener = document.getElementById("filters-open");
  var closer = form.querySelector(".filters__close");
  var status = document.getElementById("filters-status");
  var narrow = window.matchMedia("(max-width: 59.99rem)");
  var pending = null;

  function urlOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    var query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  function swap(doc) {
    ["results", "view-switch"].forEach(function (id) {
      var now = document.getElementById(id), next = doc.getElementById(id);
      if (now && next) now.replaceWith(next);
    });
    var nextForm = doc.querySelector("form[data-live-filters]");
    if (nextForm) {
      var focused = document.activeElement && form.contains(document.activeElement) ? document.activeElement.id : null;
      form.replaceChildren.apply(form, Array.prototype.slice.call(nextForm.childNodes));
      closer = form.querySelector(".filters__close");
      if (closer && form.classList.contains("is-open")) closer.hidden = false;
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    }
    opener = document.getElementById("filters-open");
    bindOpener();
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
      .then(function (response) { return response.text(); })
      .then(function (html) {
        swap(new DOMParser().parseFromString(html, "text/html"));
        if (push) window.history.pushState({ filters: true }, "", url);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.assign(url);
      });
  }

  function open(event) {
    if (!narrow.matches) return;
    if (event) event.preventDefault();
    form.classList.add("is-open");
    document.body.classList.add("filters-panel-open");
    if (closer) closer.hidden = false;
    var first = form.querySelector("input, select, button");
    if (first) first.focus();
  }

  function close() {
    form.classList.remove("is-open");
    document.body.classList.remove("filters-panel-open");
    if (closer) closer.hidden = true;
    if (opener) opener.focus();
  }

  function bindOpener() {
    if (opener) opener.addEventListener("click", open);
  }
  bindOpener();

  form.addEventListener("change", function (event) {
    if (event.target.name === "q") return; // a search word: on submit
    load(urlOf(), true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlOf(), true).then(function () {
      if (form.classList.contains("is-open")) close();
    });
  });
  form.addEventListener("click", function (event) {
    if (event.target.closest(".filters__close")) close();
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && form.classList.contains("is-open")) close();
  });
  window.addEventListener("popstate", function () {
    load(window.location.href, false);
  });
})();
