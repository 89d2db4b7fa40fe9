/* wres reader behaviour: the find-your-organisation box, sortable tables, the scroll cue of
   wide tables and opened "Show as table" toggles on paper.  Written to
   _static/wres-vendor/wres-reader.js by wres.book.sphinx_reader and loaded with `defer` on
   every page: no inline script (the pages' Content-Security-Policy forbids it), nothing
   fetched (the organisations are in the page), so it works from file:// too.
   Every feature enhances HTML that works without it. */
(function () {
  "use strict";

  var norm = function (s) { return String(s || "").trim().toLowerCase().replace(/\s+/g, " "); };

  /* ---- Find your organisation --------------------------------------------------------
     form.wres-find-org holds an <input list> and its <datalist>; each <option> carries the
     organisation's name and code in its value ("Name (CODE)") and its page in data-href.
     An exact value, code or name goes to the page; a text that matches one organisation
     only goes there too; anything else goes to the index, filtered by the text (?q=). */
  function findMatch(options, text) {
    var q = norm(text);
    if (!q) { return null; }
    var exact = options.filter(function (o) {
      return norm(o.value) === q || norm(o.getAttribute("data-code")) === q || norm(o.getAttribute("data-name")) === q;
    });
    if (exact.length === 1) { return exact[0]; }
    var partial = options.filter(function (o) { return norm(o.value).indexOf(q) !== -1; });
    return partial.length === 1 ? partial[0] : null;
  }

  function bindFinders() {
    var forms = document.querySelectorAll("form.wres-find-org");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.getAttribute("data-wres-bound")) { return; }
      form.setAttribute("data-wres-bound", "1");
      var input = form.querySelector("input[list]");
      var list = input && document.getElementById(input.getAttribute("list"));
      if (!list) { return; }
      var options = Array.prototype.slice.call(list.querySelectorAll("option"));
      var go = function () {
        var hit = findMatch(options, input.value);
        if (hit) {
          window.location.href = hit.getAttribute("data-href");
          return true;
        }
        return false;
      };
      form.addEventListener("submit", function (event) {
        if (go()) { event.preventDefault(); }
        // Otherwise the form's own GET goes to the index with ?q=, which filters it.
      });
      // Picking a suggestion from the list is choosing: go at once.
      input.addEventListener("change", function () {
        options.some(function (o) { return o.value === input.value; }) && go();
      });
    });
  }

  /* The organisations index filters by ?q= (the find box's fallback). */
  function prefillIndex() {
    var box = document.getElementById("wres-org-search");
    if (!box || box.getAttribute("data-wres-prefilled")) { return; }
    box.setAttribute("data-wres-prefilled", "1");
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      box.value = q;
      box.dispatchEvent(new Event("input"));
    }
  }

  /* ---- Sortable tables ---------------------------------------------------------------
     table.wres-sortable: each column heading becomes a button; a cell's data-sort value
     (else its text; numbers as numbers) orders the rows, ascending then descending. */
  function sortValue(cell) {
    var raw = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    var num = parseFloat(String(raw).replace(/[,\u2212]/g, function (c) { return c === "," ? "" : "-"; }));
    return isNaN(num) || !/^\s*[-+\u2212]?[\d.,]/.test(raw) ? norm(raw) : num;
  }

  function makeSortable(table) {
    if (table.getAttribute("data-wres-sortable")) { return; }
    table.setAttribute("data-wres-sortable", "1");
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "wres-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a.cells[col]), y = sortValue(b.cells[col]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  /* ---- Wide tables: a cue that there is more to the side ------------------------------
     All sizes are read first, then classes and cues written: reading a size after a write
     would lay the page out again for every table. `root`: only the tables inside it (a
     <details> just opened), else every table. */
  function onScroll(event) {
    var box = event.currentTarget;
    box.classList.toggle("wres-scrolled-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
  }

  function markScrollers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var boxes = Array.prototype.slice.call(scope.querySelectorAll(".bd-article .wres-table-scroll"));
    var sizes = boxes.map(function (box) {
      return { wide: box.scrollWidth > box.clientWidth + 1, end: box.scrollLeft + box.clientWidth >= box.scrollWidth - 1 };
    });
    boxes.forEach(function (box, i) {
      var wide = sizes[i].wide;
      box.classList.toggle("wres-scrolls", wide);
      box.classList.toggle("wres-scrolled-end", wide && sizes[i].end);
      var cue = box.previousElementSibling;
      var has = cue && cue.classList.contains("wres-scroll-cue");
      if (wide && !has) {
        cue = document.createElement("p");
        cue.className = "wres-scroll-cue";
        cue.setAttribute("aria-hidden", "true");
        cue.textContent = "Wide table: scroll sideways for more columns \u2192";
        box.parentNode.insertBefore(cue, box);
      } else if (!wide && has) {
        cue.remove();
      }
      if (!box.getAttribute("data-wres-cue")) {
        box.setAttribute("data-wres-cue", "1");
        box.addEventListener("scroll", onScroll, { passive: true });
      }
    });
  }

  /* ---- Paper: the figures behind every chart print ------------------------------------
     A closed <details> prints only its summary and CSS cannot open it, so every closed
     "Show as table" toggle is opened for printing and closed again afterwards. */
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(
      document.querySelectorAll("details.wres-chart-table:not([open])"),
      function (d) { d.open = true; return true; }
    );
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  function start() {
    bindFinders();
    prefillIndex();
    Array.prototype.forEach.call(document.querySelectorAll("table.wres-sortable"), makeSortable);
    markScrollers(null);
    // A <details> opening (its own tables only) or the window changing width can make a table wide.
    document.addEventListener("toggle", function (event) {
      if (event.target && event.target.open) { markScrollers(event.target); }
    }, true);
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { markScrollers(null); }, 150);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
