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

  // A form sent once: <form data-submit-once> disables its buttons when it is sent, so a double
  // click files one case (the server also refuses to file a form twice: its one-time token).
  // Listens after the confirmation above (bubbling phase), so a cancelled send disables nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-submit-once")) return;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
  });
  // Coming back with the browser's «Atrás» shows the page as it was left: buttons usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once] [type=submit]:disabled").forEach(function (button) {
      button.disabled = false;
    });
  });

  // A dropdown that opens a field (the header's search) puts the cursor in it.
  document.addEventListener("shown.bs.dropdown", function (event) {
    var menu = event.target.parentNode && event.target.parentNode.querySelector(".dropdown-menu");
    var field = menu && menu.querySelector("[data-focus-on-open]");
    if (field) field.focus();
  });

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

  // Documents over the portal's limits are caught before the form is sent: the server would
  // refuse the whole body unread (413) and what was typed would be lost. The server checks too.
  // <input type="file" data-max-files="3" data-max-bytes="…" data-error-target="id"
  //        data-too-many="…" data-too-large="…">
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var total = 0;
    for (var i = 0; i < input.files.length; i++) total += input.files[i].size;
    var message = "";
    if (input.files.length > Number(input.getAttribute("data-max-files"))) {
      message = input.getAttribute("data-too-many");
    } else if (total > Number(input.getAttribute("data-max-bytes"))) {
      message = input.getAttribute("data-too-large");
    }
    input.setCustomValidity(message);
    var box = document.getElementById(input.getAttribute("data-error-target"));
    if (box) {
      box.textContent = message;
      box.classList.toggle("d-none", !message);
    }
    if (message) input.value = "";
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
