#!/usr/bin/env bash
# Serve the application. With REDIS_URL set, also start a Celery worker and beat beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [[ -n "${REDIS_URL:-}" ]]; then
  .venv/bin/celery -A infonavit_atencion worker --loglevel=INFO --concurrency=2 &
  pids+=($!)
  .venv/bin/celery -A infonavit_atencion beat --loglevel=INFO --schedule=var/celerybeat-schedule &
  pids+=($!)
fi
echo "Atención Infonavit en http://127.0.0.1:8000 (Ctrl+C para detener)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
