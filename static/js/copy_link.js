/* "Kopieer link": each note's plain link to its own page gets a button beside it
   that copies the page's absolute address. Without this script (or without a
   clipboard) the link stays, and the reader copies it themselves. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button[data-copy-url]").forEach(function (button) {
    var status = button.parentElement.querySelector(".copy-link__status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = new URL(button.dataset.copyUrl, window.location.href).href;
      navigator.clipboard.writeText(url).then(
        function () {
          if (status) {
            status.textContent = button.dataset.done || "Link gekopieerd";
          }
        },
        function () {
          if (status) {
            status.textContent = button.dataset.failed || "Kopiëren lukte niet; kopieer de link zelf.";
          }
        }
      );
    });
  });
})();
