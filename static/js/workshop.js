// The facilitator's screen of a workshop: the group's distribution is fetched again every few
// seconds and swapped in, without WebSockets; without script the "Vernieuw" link does it. The
// polling stops when the session is closed (the fragment says so) or the fragment is refused.
(function () {
  "use strict";
  var target = document.getElementById("verdeling");
  if (!target || !window.fetch) return;
  var url = target.getAttribute("data-refresh-url");
  if (!url) return;
  var INTERVAL = 4000;
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
        target.innerHTML = html;
        if (target.querySelector("[data-closed]")) window.clearInterval(timer);
      })
      .catch(function () { /* the network: try again next round */ });
  }, INTERVAL);
})();
