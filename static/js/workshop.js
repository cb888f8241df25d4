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
        // A signed-out facilitator is sent to the login page: never swap that in.
        if (!response.ok || response.redirected || response.type === "opaqueredirect") {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        target.innerHTML = html;
        if (target.querySelector("[data-closed]")) window.clearInterval(timer);
      })
      .catch(function () { window.clearInterval(timer); });
  }, INTERVAL);
})();
