// Django's two-list widget (filter_horizontal: a case's researchers) puts its help text on a
// bare <span> as aria-label, which a span without a role may not carry (axe:
// aria-prohibited-attr). The widget is built on "load", by a listener this page's form adds
// after this script's: so the icon is named as an image once every "load" listener has run.
"use strict";
window.addEventListener("load", function () {
  window.setTimeout(function () {
    document.querySelectorAll(".help-tooltip.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
