// A workbench form is sent once. A double click on "Opslaan" (or Enter pressed twice) sent a
// change form twice: the first save went through, and the second, arriving after it, was
// refused as saved by someone else since the form was opened. That refusal, on the page the
// browser shows, hid that the save had worked. A second submit while the first is on its way
// is ignored; the form can be sent again once the page comes back (the back button, or a
// refusal), and after a minute in case the first never arrived. The buttons are not disabled:
// a disabled button leaves its name out of the form ("_continue", the workflow's steps).
"use strict";
(function () {
  // A save that takes long (cutting a release) is not sent again within this time.
  const RETRY_AFTER_MS = 60000;
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.id.endsWith("_form")) {
      return;  // a change or add form of the admin: <form id="case_form">
    }
    if (event.defaultPrevented) {
      return;  // not sent after all (a script of the page's own said no): nothing to guard
    }
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    form.setAttribute("aria-busy", "true");
    // A handler after this one may still cancel it: then nothing was sent.
    window.setTimeout(function () { if (event.defaultPrevented) { ready(form); } }, 0);
    window.setTimeout(function () { ready(form); }, RETRY_AFTER_MS);
  });
  function ready(form) {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
  }
  // A page restored from the back-forward cache keeps its state: sending is over.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(ready);
  });
})();
