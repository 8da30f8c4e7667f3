// The queue page's bulk actions (no inline scripts, so a strict CSP holds): select every case
// of the page, keep the count of the ticked ones in sight, show the fields the chosen action
// needs, and confirm with the number of cases that will change ("Se reasignarán 12 casos…").
// The texts come translated from the bulk form's data attributes (templates/web/_bulk_form.html).
(function () {
  "use strict";

  function bulkForm() {
    return document.getElementById("bulk-form");
  }

  function ticked() {
    return document.querySelectorAll("input[name=folios][form=bulk-form]:checked");
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  function updateCount() {
    var counter = document.getElementById("bulk-count");
    if (!counter) return;
    var n = ticked().length;
    var key = n === 0 ? "data-zero" : n === 1 ? "data-one" : "data-many";
    counter.textContent = fill(counter.getAttribute(key), {n: n});
    var all = document.querySelector("[data-select-all]");
    if (all) {
      var boxes = document.querySelectorAll("input[name=folios][form=bulk-form]");
      all.checked = boxes.length > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  function showFieldsFor(action) {
    document.querySelectorAll("#bulk-form [data-bulk-action]").forEach(function (field) {
      field.classList.toggle("d-none", field.getAttribute("data-bulk-action") !== action);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) return;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=folios][form=bulk-form]").forEach(function (box) {
        box.checked = target.checked;
      });
      updateCount();
    } else if (target.matches("input[name=folios]")) {
      updateCount();
    } else if (target.matches("#bulk-action")) {
      showFieldsFor(target.value);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form !== bulkForm()) return;
    var n = ticked().length;
    if (n === 0) {
      event.preventDefault();
      window.alert(form.getAttribute("data-none"));
      return;
    }
    var action = form.querySelector("#bulk-action").value;
    var picker = form.querySelector(action === "assign" ? "#bulk-assignee" : "#bulk-area");
    var option = picker.options[picker.selectedIndex];
    if (!option || !option.value) {
      event.preventDefault();
      window.alert(form.getAttribute("data-pick-" + action));
      picker.focus();
      return;
    }
    var who = option.textContent.trim();
    var question = fill(form.getAttribute("data-" + action + (n === 1 ? "-one" : "-many")), {
      n: n, who: who
    });
    if (!window.confirm(question)) event.preventDefault();
  });

  // The first page refreshes itself (every data-refresh-seconds of #resultados) while the user
  // is not working on it: on another page, with cases ticked, with the focus in the filters, the
  // bulk bar or the rows (j/k), or with the folded filters open, the list stays as it is.
  function idle(results) {
    if (document.hidden || new URLSearchParams(window.location.search).has("cursor")) return false;
    if (ticked().length > 0) return false;
    var filters = document.getElementById("filtros");
    if (filters && filters.open) return false;
    var focused = document.activeElement;
    return !["queue-filters", "bulk-form", "resultados"].some(function (id) {
      var area = document.getElementById(id);
      return area && focused && area.contains(focused);
    });
  }

  function startRefresh() {
    var results = document.getElementById("resultados");
    var seconds = results ? Number(results.getAttribute("data-refresh-seconds")) : 0;
    if (!(seconds > 0)) return;
    window.setInterval(function () {
      if (!window.htmx || !idle(results)) return;
      window.htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#resultados", swap: "innerHTML"
      });
    }, seconds * 1000);
  }

  // htmx replaced the rows (a filter or another page): nothing on screen is ticked any more.
  document.addEventListener("htmx:afterSwap", updateCount);
  document.addEventListener("DOMContentLoaded", function () {
    var action = document.getElementById("bulk-action");
    if (action) showFieldsFor(action.value);
    updateCount();
    startRefresh();
  });
})();
