// Export buttons of the queue page: send the filters the page shows now (htmx may have changed
// them since the page loaded). Without JavaScript the query rendered with the page is sent.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-export-source]")) return;
    var source = document.querySelector(form.getAttribute("data-export-source"));
    var field = form.querySelector("input[name=consulta]");
    if (!source || !field) return;
    var params = new URLSearchParams();
    new FormData(source).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    field.value = params.toString();
  });
})();
