// The facilitator's screen of a workshop: the group's distribution is fetched again every few
// seconds and swapped in, without WebSockets; without script the "Vernieuw" link does it. The
// polling stops when the session is closed (the fragment says so) or the fragment is refused.
// The distribution is replaced only when it changed, and then the tables that were open stay
// open and keyboard focus stays on the same element: a screen that rebuilt itself every few
// seconds would close a table being read and drop focus to the page.
(function () {
  "use strict";
  var target = document.getElementById("verdeling");
  if (!target || !window.fetch) return;
  var url = target.getAttribute("data-refresh-url");
  if (!url) return;
  var INTERVAL = 4000;

  // The fragment as the page shows it, before anyone opens a table: compared as parsed, so that
  // the same answer from the server counts as unchanged however it was spelled.
  function parsed(html) {
    var box = document.createElement("div");
    box.innerHTML = html;
    return box.innerHTML.trim();
  }
  var shown = target.innerHTML.trim();

  // Where an element is: its nearest ancestor with an id inside the distribution (or the
  // distribution itself), and its place among the elements of its kind there.
  function place(element) {
    var scope = element.parentElement ? element.parentElement.closest("[id]") : null;
    if (element.id && element !== target) return { id: element.id, tag: null, index: -1 };
    if (!scope || !target.contains(scope)) scope = target;
    var same = scope.querySelectorAll(element.tagName);
    return {
      id: scope === target ? null : scope.id,
      tag: element.tagName,
      index: Array.prototype.indexOf.call(same, element),
    };
  }
  function find(where) {
    var scope = where.id ? document.getElementById(where.id) : target;
    if (!scope || !target.contains(scope)) return null;
    if (where.tag === null) return scope;
    return scope.querySelectorAll(where.tag)[where.index] || null;
  }

  function swap(html) {
    var fresh = parsed(html);
    if (fresh === shown) return;
    var open = Array.prototype.map.call(target.querySelectorAll("details[open]"), place);
    var active = document.activeElement;
    var focused = active && active !== target && target.contains(active) ? place(active) : null;
    target.innerHTML = html;
    shown = fresh;
    open.forEach(function (where) {
      var details = find(where);
      if (details && details.tagName === "DETAILS") details.open = true;
    });
    if (focused) {
      var again = find(focused);
      if (again) again.focus({ preventScroll: true });
    }
  }

  var timer = window.setInterval(function () {
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        // A signed-out facilitator is sent to the login page, a closed or deleted session is
        // refused: stop, and never swap that in. A passing failure (the network, a deploy's
        // 502) only skips this round.
        if (response.type === "opaqueredirect" || (response.status >= 400 && response.status < 500)) {
          window.clearInterval(timer);
          return null;
        }
        if (!response.ok) return null;
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        swap(html);
        if (target.querySelector("[data-closed]")) window.clearInterval(timer);
      })
      .catch(function () { /* the network: try again next round */ });
  }, INTERVAL);
})();
