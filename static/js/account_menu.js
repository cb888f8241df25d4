/* The account menu in the header is a <details>: it opens and closes without this script. With
   it, it behaves as a disclosure menu does: Escape closes it and gives the focus back to its
   summary, and it closes when the focus leaves it (Tab past its last item, Shift+Tab past the
   summary) or on a click or tap outside it. Left open, it lay over the main menu on a phone,
   and the keyboard reached links no one could see. */
(function () {
  "use strict";
  var menu = document.querySelector(".account__details");
  if (!menu) {
    return;
  }
  var summary = menu.querySelector("summary");

  function close(returnFocus) {
    if (!menu.open) {
      return;
    }
    menu.open = false;
    if (returnFocus && summary) {
      summary.focus();
    }
  }

  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      event.preventDefault();
      close(true);
    }
  });
  // Only a move of the focus to somewhere else on the page: when the window itself loses the
  // focus (another tab, another program) relatedTarget is null and the menu stays as it was.
  menu.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !menu.contains(event.relatedTarget)) {
      close(false);
    }
  });
  // pointerdown, not click: a tap on text that is not a link gives no click on some phones.
  document.addEventListener("pointerdown", function (event) {
    if (menu.open && !menu.contains(event.target)) {
      close(false);
    }
  });
})();
