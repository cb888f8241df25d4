/* The margin, enhanced: members who select a passage get a bar with a link to
   annotate exactly that passage. Positions are Unicode code points from the start
   of the section's plain text: each paragraph carries its own start offset in
   data-start. Without this script the "Kanttekening schrijven" link lets members
   paste the passage instead. The voice/kind filter needs no script: its button
   applies it (not a change of a select, which an arrow key makes). */
(function () {
  "use strict";

  var MAX_PASSAGE = 2000;
  // Words come from the page (translated on the server), with Dutch as fallback.
  var strings = (document.getElementById("margin-strings") || {}).dataset || {};
  var WRITE = strings.write || "Kanttekening schrijven bij deze passage";
  var TOO_LONG = strings.tooLong || "Deze selectie is te lang; kies een kortere passage.";
  var REGION = strings.region || "Geselecteerde passage";
  var bar = null;
  var barLink = null;
  var barText = null;

  function codePoints(text) {
    return Array.from(text).length;
  }

  function paragraphOf(node) {
    var element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    return element ? element.closest(".annotated__text") : null;
  }

  function offsetIn(paragraph, container, offset) {
    var range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(container, offset);
    return Number(paragraph.dataset.start) + codePoints(range.toString());
  }

  function ensureBar() {
    if (bar) {
      return;
    }
    bar = document.createElement("div");
    bar.className = "selection-bar";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", REGION);
    bar.hidden = true;
    barText = document.createElement("p");
    barText.className = "selection-bar__text";
    barText.setAttribute("aria-live", "polite");
    barLink = document.createElement("a");
    barLink.className = "button";
    barLink.textContent = WRITE;
    bar.appendChild(barText);
    bar.appendChild(barLink);
    document.body.appendChild(bar);
  }

  function hide() {
    if (bar) {
      bar.hidden = true;
    }
  }

  function update() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      hide();
      return;
    }
    var range = selection.getRangeAt(0);
    var first = paragraphOf(range.startContainer);
    var last = paragraphOf(range.endContainer);
    if (!first || !last) {
      hide();
      return;
    }
    var section = first.closest("section.annotated");
    var write = section && section.querySelector(".annotated__write");
    if (!write || last.closest("section.annotated") !== section) {
      hide();
      return;
    }
    // The selected words without the margin notes that sit between paragraphs.
    var fragment = range.cloneContents();
    fragment.querySelectorAll(".margin").forEach(function (note) {
      note.remove();
    });
    var exact = fragment.textContent;
    var start = offsetIn(first, range.startContainer, range.startOffset);
    var end = offsetIn(last, range.endContainer, range.endOffset);
    ensureBar();
    if (!exact.trim() || end <= start) {
      hide();
      return;
    }
    if (exact.length > MAX_PASSAGE) {
      barText.textContent = TOO_LONG;
      barLink.hidden = true;
      bar.hidden = false;
      return;
    }
    var url = new URL(write.href, window.location.href);
    url.searchParams.set("start", String(start));
    url.searchParams.set("end", String(end));
    url.searchParams.set("exact", exact);
    url.searchParams.set("revisie", section.dataset.revision);
    barLink.href = url.pathname + url.search;
    barLink.hidden = false;
    barText.textContent = "“" + (exact.length > 80 ? exact.slice(0, 80) + "…" : exact) + "”";
    bar.hidden = false;
  }

  if (document.querySelector(".annotated__write")) {
    var pending = null;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 120);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hide();
      }
    });
  }
})();
