/* A form sent back with errors says so where the reader is looking. The page comes back at its
   top, and a reply or reading form sits far below it: on a phone the list of errors was a
   screen or more down, and nothing seemed to happen. The list (templates/includes/
   form_errors.html) takes the focus, which scrolls it into view and has a screen reader read
   it; its links lead to each field. An address that points somewhere (#…) is left to do so
   (pointing to a list, as the moderation queue's #a12-errors, the browser focuses that one). */
(function () {
  "use strict";
  var summary = document.querySelector(".form-errors[tabindex='-1']");
  if (!summary) {
    return;
  }
  var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (!target) {
    summary.focus();
  }
})();
