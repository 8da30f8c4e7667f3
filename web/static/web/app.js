// Small behaviours of the browser application (no inline scripts, so a strict CSP holds).
(function () {
  "use strict";

  // Destructive actions ask first: <form data-confirm="¿...?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Canned responses (respuestas tipo) fill the comment box; the user can still edit it.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills]")) return;
    var option = select.options[select.selectedIndex];
    var target = document.getElementById(select.getAttribute("data-fills"));
    if (target && option && option.getAttribute("data-body")) {
      target.value = option.getAttribute("data-body");
      target.focus();
    }
  });

  // A failed htmx request swaps nothing, so the page and what was typed stay; say so. The
  // texts come translated from base.html (#request-error's data attributes).
  function showRequestError(kind) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.textContent = box.getAttribute("data-" + kind);
    box.classList.remove("d-none");
    box.scrollIntoView({block: "nearest"});
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    showRequestError(status === 503 ? "unavailable" : "failed");
  });
  document.addEventListener("htmx:sendError", function () {
    showRequestError("offline");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) box.classList.add("d-none");
  });
})();
