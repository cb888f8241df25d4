// "Waar staat uw praktijk?": the form works without script; with it, the result follows each
// change at once (the same page fetched with the form's state, its result swapped in) and the
// address keeps the state, so the link can still be shared. A print button appears. The result is
// no live region (a screen reader would read all of it after each change): its short summary, in
// the page's words, goes to the status at the foot of the form, which stays in view while the
// form is and links to the result above it.
(function () {
  "use strict";
  var form = document.getElementById("practice-form");
  var result = document.getElementById("resultaat");
  if (!form) return;

  // A note too long is named before the form is sent (the server names it too, but the tool is
  // a GET form: long notes would overflow the request line first). Nothing is cut. A note is
  // counted as the server counts it: without the spaces around it, a line end as two
  // characters (as it is sent), each character once.
  function noteLength(area) {
    return Array.from(area.value.trim().replace(/\r?\n/g, "\r\n")).length;
  }
  function tooLong(area) {
    var limit = parseInt(area.getAttribute("data-max-length"), 10);
    return limit && noteLength(area) > limit;
  }
  function checkNote(area) {
    area.setCustomValidity(tooLong(area) ? area.getAttribute("data-too-long").replace("{n}", noteLength(area)) : "");
  }
  // The address the form sends, every field in it (a GET form sends the empty ones too).
  function addressTooLong() {
    var limit = parseInt(form.getAttribute("data-max-address"), 10);
    var query = new URLSearchParams(new FormData(form)).toString();
    return limit && (form.action.length + 1 + query.length) > limit;
  }
  function notes() {
    return Array.prototype.slice.call(form.querySelectorAll("textarea[data-max-length]"));
  }
  // The note to name: the first one too long, else (the notes together too long) the longest.
  function noteToName() {
    var all = notes();
    all.forEach(checkNote);
    var single = all.filter(tooLong)[0];
    if (single) return single;
    if (!all.length || !addressTooLong()) return null;
    var longest = all.reduce(function (a, b) { return noteLength(b) > noteLength(a) ? b : a; });
    longest.setCustomValidity(form.getAttribute("data-notes-too-long"));
    return longest;
  }
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-max-length")) notes().forEach(checkNote);
  });
  form.addEventListener("submit", function (event) {
    var area = noteToName();
    if (!area) return;
    event.preventDefault();
    var details = area.closest("details");
    if (details) details.open = true;
    area.focus();
    area.reportValidity();
  });

  if (!result || !window.fetch || !window.URLSearchParams) return;

  function showPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  // What a member changed in the form that keeps the result (its visible fields) survives the
  // swap; fields they left alone take the new page's values, and the hidden fields carry the
  // new result.
  function changedByHand(field) {
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) return true;
      }
      return false;
    }
    return field.value !== field.defaultValue;
  }

  function keptFields() {
    var kept = {};
    var fields = result.querySelectorAll("form input:not([type=hidden]), form select, form textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].name && changedByHand(fields[i])) kept[fields[i].name] = fields[i].value;
    }
    return kept;
  }

  function restoreFields(kept) {
    Object.keys(kept).forEach(function (name) {
      var field = result.querySelector("form [name='" + CSS.escape(name) + "']:not([type=hidden])");
      if (field) field.value = kept[name];
    });
  }

  var status = document.querySelector("[data-practice-status]");
  var statusText = status && status.querySelector("[role=status]");
  var statusLink = status && status.querySelector("a");
  var repeat = null;
  function announce(summary) {
    if (!statusText) return;
    // A repeat still waiting is overtaken by what comes now.
    window.clearTimeout(repeat);
    status.classList.toggle("is-shown", !!summary);
    statusLink.hidden = !summary;
    if (statusText.textContent !== summary) {
      statusText.textContent = summary;
      return;
    }
    // The same words again are still news: empty the status first, then say them.
    statusText.textContent = "";
    repeat = window.setTimeout(function () { statusText.textContent = summary; }, 100);
  }

  var timer = null;
  var latest = 0;
  function refresh() {
    if (notes().some(tooLong) || addressTooLong()) return;  // named when it is sent
    var params = new URLSearchParams(new FormData(form));
    // Leave out what the visitor left blank: the address stays short and readable.
    var kept = new URLSearchParams();
    params.forEach(function (value, name) { if (value !== "") kept.append(name, value); });
    var query = kept.toString();
    var url = form.action + (query ? "?" + query : "");
    var ticket = ++latest;
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (ticket !== latest) return;  // an older answer than the one shown
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("resultaat");
        if (!fresh) return;
        // Only a complete answer replaces the result; errors wait for the submit button.
        if (page.querySelector(".form-errors")) return;
        var typed = keptFields();
        result.replaceChildren.apply(result, Array.prototype.slice.call(fresh.childNodes).map(function (node) {
          return document.importNode(node, true);
        }));
        restoreFields(typed);
        announce(fresh.getAttribute("data-summary") || "");
        window.history.replaceState(null, "", url);
        showPrint();
      })
      .catch(function () { /* the submit button still works */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.tagName !== "SELECT" && event.target.type !== "checkbox") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  });
  showPrint();
})();
