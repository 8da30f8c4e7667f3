// Keyboard shortcuts of the workspace (issue 19 item 13); `?` lists them in a dialog
// (templates/web/_shortcuts_dialog.html). On the queue j/k move a visible ring over the rows and
// Enter opens the case; the queue page remembers its rows in sessionStorage, so on a case page
// j/k open the next/previous case of the queue the user came from. t takes the case, c goes to
// the comment box, r opens the resolve form, / goes to the queue's search box.
// A key typed into a field is the field's, and Ctrl/Alt/Meta combinations are the browser's.
(function () {
  "use strict";

  var STORE = "atencion.queue";
  var returnTo = null;

  function typing(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function dialog() {
    return document.getElementById("atajos");
  }

  // --- The queue -------------------------------------------------------------------------
  function rows() {
    return Array.prototype.filter.call(
      document.querySelectorAll("#resultados tbody tr"),
      function (row) { return row.querySelector("a[href]") !== null; }
    );
  }

  function folioOf(row) {
    return row.querySelector("a[href]").textContent.trim();
  }

  function ring(row) {
    rows().forEach(function (other) { other.classList.remove("kbd-current"); });
    if (!row) return;
    row.classList.add("kbd-current");
    row.querySelector("a[href]").focus();
  }

  function moveInQueue(step) {
    var list = rows();
    if (list.length === 0) return false;
    var current = list.findIndex(function (row) { return row.classList.contains("kbd-current"); });
    var next = current === -1 ? (step > 0 ? 0 : list.length - 1) : current + step;
    ring(list[Math.max(0, Math.min(list.length - 1, next))]);
    return true;
  }

  function rememberQueue() {
    var list = rows();
    if (list.length === 0) return;
    var state = {
      url: window.location.pathname + window.location.search,
      cases: list.map(function (row) {
        return {folio: folioOf(row), href: row.querySelector("a[href]").getAttribute("href")};
      })
    };
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (error) { /* storage off: the shortcuts on the case page simply do nothing */ }
  }

  function storedQueue() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORE) || "null");
    } catch (error) {
      return null;
    }
  }

  // --- The case page ---------------------------------------------------------------------
  function caseFolio() {
    var holder = document.querySelector("[data-shortcuts-case]");
    return holder ? holder.getAttribute("data-shortcuts-case") : null;
  }

  function moveInCase(folio, step) {
    var state = storedQueue();
    if (!state || !state.cases) return false;
    var index = state.cases.findIndex(function (item) { return item.folio === folio; });
    var target = index === -1 ? null : state.cases[index + step];
    if (!target) return false;
    window.location.assign(target.href);
    return true;
  }

  function takeCase() {
    var field = document.querySelector("form input[name=action][value=take]");
    if (!field) return false;
    field.form.querySelector("button[type=submit]").click();
    return true;
  }

  function focusComment() {
    var box = document.getElementById("id_body");
    if (!box) return false;
    box.focus();
    return true;
  }

  function openResolve() {
    var details = document.getElementById("accion-resolve");
    if (!details) return false;
    details.open = true;
    var field = details.querySelector("textarea, select, input:not([type=hidden])");
    (field || details.querySelector("summary")).focus();
    return true;
  }

  function focusSearch() {
    var search = document.querySelector("#queue-filters input[name=q]");
    if (!search) return false;
    search.focus();
    search.select();
    return true;
  }

  // --- The list of shortcuts -------------------------------------------------------------
  function openHelp() {
    var box = dialog();
    if (!box || box.open) return false;
    returnTo = document.activeElement;
    box.showModal();
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcuts-close]")) dialog().close();
  });

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || (dialog() && dialog().open)) return;
    var folio = caseFolio();
    var handled = false;
    switch (event.key) {
      case "j": handled = folio ? moveInCase(folio, 1) : moveInQueue(1); break;
      case "k": handled = folio ? moveInCase(folio, -1) : moveInQueue(-1); break;
      case "t": handled = folio !== null && takeCase(); break;
      case "c": handled = folio !== null && focusComment(); break;
      case "r": handled = folio !== null && openResolve(); break;
      case "/": handled = focusSearch(); break;
      case "?": handled = openHelp(); break;
    }
    if (handled) event.preventDefault();
  }

  document.addEventListener("keydown", onKey);

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (box) {
      box.addEventListener("close", function () {
        if (returnTo && returnTo.isConnected && returnTo.focus) returnTo.focus();
        returnTo = null;
      });
    }
    rememberQueue();
  });

  // A filter, a page change or the queue's own refresh (queue.js) brings new rows.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "resultados") rememberQueue();
  });

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("#resultados tbody tr");
    if (row && event.target.matches("a[href]") && !row.classList.contains("kbd-current")) {
      ring(row);
    }
  });
})();
