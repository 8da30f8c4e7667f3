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
})();
