"""Pieces of `bench/scale_bench.py`: warm timings and the SLA monitor passes.

A package, not `bench/*.py` scripts, so that `make bench` runs only `scale_bench.py` itself.
"""
