"""The floor of `bench/api_bench.py`: a minimal, independent Django + DRF project (issue 17).

Its own settings (only SecurityMiddleware and CommonMiddleware), its own PostgreSQL database
with one table of cases loaded by generate_series (`bench/floor/load.py`), token
authentication, one ModelSerializer and cursor pagination; run as its own gunicorn process.
What the application costs per request is measured against what plain Django + DRF costs for
the same kind of table, on the same machine, in the same run.
"""
