/* Copy buttons. "Kopieer link" (data-copy-url): each note's plain link to its own page
   gets a button beside it that copies the page's absolute address. "Kopieer referentie"
   (data-copy-from): copies the text of the element with that id (a citation). Without
   this script (or without a clipboard) the buttons stay hidden: the link and the text
   stay, and the reader copies them themselves. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  function textToCopy(button) {
    if (button.dataset.copyUrl !== undefined) {
      return new URL(button.dataset.copyUrl, window.location.href).href;
    }
    var source = document.getElementById(button.dataset.copyFrom);
    return source ? source.textContent.replace(/\s+/g, " ").trim() : null;
  }
  document.querySelectorAll("button[data-copy-url], button[data-copy-from]").forEach(function (button) {
    var status = button.parentElement.querySelector(".copy-link__status");
    if (textToCopy(button) === null) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(textToCopy(button)).then(
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
