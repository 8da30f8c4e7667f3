"""The floor of `bench/api_bench.py`: a minimal DRF create/list/detail over the cases table."""
