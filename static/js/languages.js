/* The language switcher: the same page in another language. Its links carry the query the
   page was made with; filters and "Waar staat uw praktijk?" change the address as the reader
   works (history.pushState / replaceState), so at the moment of the click a link takes the
   address's current query and fragment, and nothing the reader chose is lost. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".languages a[href]") : null;
    if (!link) {
      return;
    }
    var target = new URL(link.getAttribute("href"), window.location.href);
    target.search = window.location.search;
    target.hash = window.location.hash;
    link.setAttribute("href", target.pathname + target.search + target.hash);
  });
})();
