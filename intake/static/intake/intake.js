// Small behaviours of the intake pages, in a file so that a CSP may forbid inline scripts.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-intake-print]")) {
    window.print();
  }
});
// A refused form: move focus to the summary of what to fix, so screen readers announce it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
// One click on "Registrar caso" registers one case: a second submit while the first is on its
// way is ignored (helper buttons such as "Buscar" stay usable).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.id !== "intake-form") {
    return;
  }
  if (form.dataset.saving === "true") {
    event.preventDefault();
    return;
  }
  if (event.submitter && event.submitter.value === "save") {
    form.dataset.saving = "true";
  }
});
// Coming back with the browser's back button must not leave the form blocked.
window.addEventListener("pageshow", () => {
  const form = document.getElementById("intake-form");
  if (form) {
    delete form.dataset.saving;
  }
});
