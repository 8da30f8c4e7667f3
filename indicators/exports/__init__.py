"""Exports of case lists and indicator tables (CSV, XLSX), and the monthly channel workbook.

Modules, by concern:

* ``writers`` — CSV and XLSX writers with constant memory (openpyxl write-only mode) and the
  cell rules both follow (formula injection neutralised, local times, Sí/No);
* ``case_rows`` — the case-list rows: the queue's scope and filters
  (``cases.selectors.lists.case_list_for``), masking per role, the sealed identity only for the
  dedicated role, full-data views logged in ``ContactAccessLog``;
* ``indicator_rows`` and ``labels`` — the indicator table with Spanish titles and catalog names;
* ``params`` — what a job keeps in ``ExportJob.params``;
* ``builders`` — what each kind contains, and writing it (shared by views and jobs);
* ``jobs`` — background exports: create, run (idempotent, with progress), read by their
  owner only, purge after EXPORT_RETENTION_DAYS; ``job_state`` — a job's claim, file and
  failure, shared with the monthly delivery;
* ``monthly`` and ``monthly_delivery`` — the monthly workbook (tables and native charts) and
  its delivery to each supervisor, for their own scope.

Views: ``web.views.exports`` (mounted at ``/exportaciones/``); tasks: ``indicators.tasks``.
"""
