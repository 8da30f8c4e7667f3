#!/usr/bin/env bash
# Serve the application with its background work beside it:
# - REDIS_URL set: a Celery worker (every queue) and beat;
# - REDIS_URL empty (embedded mode): tasks run in-process and `manage.py run_schedule` runs the
#   periodic work (SLA monitor, sweepers, auto-close, indicator refresh) in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if [[ -n "${REDIS_URL:-}" ]]; then
  .venv/bin/celery -A infonavit_atencion worker --loglevel=INFO &
  pids+=($!)
  .venv/bin/celery -A infonavit_atencion beat --loglevel=INFO --schedule=var/celerybeat-schedule &
  pids+=($!)
else
  $PY manage.py run_schedule &
  pids+=($!)
fi
echo "Atención Infonavit en http://${RUN_ADDRESS:-127.0.0.1:8000} (Ctrl+C para detener)"
$PY manage.py runserver "${RUN_ADDRESS:-127.0.0.1:8000}" --noreload &
pids+=($!)
wait -n
